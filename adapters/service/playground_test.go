package service

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"tsunagu/adapters/slacksim"
)

// bootPlayground runs `tsunagu playground` on a free port and returns its
// base URL and what it printed.
func bootPlayground(t *testing.T) (string, *bytes.Buffer) {
	t.Helper()
	env := map[string]string{"HTTP_ADDR": "127.0.0.1:0", "LOG_LEVEL": "warn"}
	var stdout bytes.Buffer
	return startCommand(t, "playground", env, &stdout), &stdout
}

func TestPlaygroundSlackDMGetsTheBotsAnswer(t *testing.T) {
	base, stdout := bootPlayground(t)
	if !strings.Contains(stdout.String(), "/slacksim/") {
		t.Errorf("the banner does not show the Slack page:\n%s", stdout)
	}
	res, err := http.Get(base + "/slacksim/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /slacksim/: %d", res.StatusCode)
	}

	// Write to the bot from the page, as a person in the browser does.
	dm := slacksim.DMChannel(slacksim.DefaultMember)
	body, _ := json.Marshal(map[string]string{"user": slacksim.DefaultMember, "channel": dm, "text": "こんにちは"})
	res, err = http.Post(base+"/slacksim/ui/send", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("send: %d %s", res.StatusCode, answer)
	}

	// The bot's reply (the consent question) arrives in the DM.
	deadline := time.Now().Add(10 * time.Second)
	version := int64(-1)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/slacksim/ui/state?user=" + slacksim.DefaultMember + "&after=" + strconv.FormatInt(version, 10) + "&wait=2")
		if err != nil {
			t.Fatal(err)
		}
		var snap struct {
			Version  int64 `json:"version"`
			Channels []struct {
				ID       string             `json:"id"`
				Messages []slacksim.Message `json:"messages"`
			} `json:"channels"`
		}
		err = json.NewDecoder(res.Body).Decode(&snap)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		version = snap.Version
		for _, c := range snap.Channels {
			if c.ID != dm {
				continue
			}
			for _, m := range c.Messages {
				if m.Note {
					t.Fatalf("the simulator noted a failure: %s", m.Text)
				}
				if m.User == slacksim.BotUserID && len(m.Buttons()) > 0 {
					return
				}
			}
		}
	}
	t.Fatal("no answer with buttons from the bot in the DM")
}
