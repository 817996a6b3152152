package linesim

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestScratchServe(t *testing.T) {
	w := newWorld(t)
	w.sim.now = time.Now
	srv := httptest.NewServer(w.sim.PageHandler())
	defer srv.Close()
	ctx := context.Background()
	id := "U0123456789abcdef0123456789abcdef"
	w.sim.Follow(ctx, id, "山田 花子")
	push := func(body string) {
		req, _ := http.NewRequest("POST", w.api.URL+EndpointPush, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		req.Header.Set("X-Line-Retry-Key", uuid.NewString())
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 { t.Fatal(err, res.StatusCode) }
	}
	push(`{"to":"` + id + `","messages":[{"type":"text","text":"はじめまして、つなぐです。\nお近くのお仕事をご案内します。"}]}`)
	w.sim.Say(ctx, id, "よろしくお願いします")
	b, _ := os.ReadFile("../line/testdata/card.golden.json")
	push(strings.Replace(string(b), `"to": "U1"`, `"to": "`+id+`"`, 1))
	push(`{"to":"` + id + `","messages":[{"type":"flex","altText":"カルーセル","contents":{"type":"carousel","contents":[
	 {"type":"bubble","size":"kilo","header":{"type":"box","layout":"vertical","backgroundColor":"#06C755","contents":[{"type":"text","text":"<b>ドローン</b>","color":"#ffffff","weight":"bold"}]},
	  "body":{"type":"box","layout":"horizontal","spacing":"md","contents":[{"type":"text","text":"左","flex":1},{"type":"separator"},{"type":"text","text":"右側の長いテキストは折り返さない設定です","flex":2}]},
	  "footer":{"type":"box","layout":"vertical","contents":[{"type":"button","style":"link","action":{"type":"uri","label":"地図を見る","uri":"https://example.com"}},{"type":"button","style":"secondary","height":"sm","action":{"type":"message","label":"はい","text":"はい"}}]}},
	 {"type":"bubble","size":"kilo","body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"二枚目","size":"xxl","align":"center"}]}}
	]},"quickReply":{"items":[
	 {"type":"action","action":{"type":"message","label":"はい","text":"はい"}},
	 {"type":"action","action":{"type":"postback","label":"平日の午前","data":"avail:weekday_am","displayText":"平日の午前"}},
	 {"type":"action","action":{"type":"postback","label":"土日","data":"avail:weekend","displayText":"土日"}},
	 {"type":"action","action":{"type":"postback","label":"あとで","data":"later"}}
	]}}]}`)
	os.WriteFile("/tmp/linesim_url", []byte(srv.URL+"/?user="+id), 0o644)
	time.Sleep(150 * time.Second)
	w.bot.mu.Lock()
	for _, e := range w.bot.events {
		fmt.Printf("BOT EVENT %T %+v\n", e, e)
	}
	w.bot.mu.Unlock()
	for _, u := range w.sim.Users() { fmt.Printf("USER %+v\n", u) }
}
