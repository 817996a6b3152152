package slacksim

import (
	"net/http"
	"strings"
	"testing"
)

// TestPageRefusesCrossOriginPosts: another web site open in the same
// browser cannot act as a workspace member (a coordinator could announce to
// everyone); the page itself and clients that are not browsers still can.
func TestPageRefusesCrossOriginPosts(t *testing.T) {
	w, srv := pageWorld(t)
	tests := []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"no browser headers (curl, tests)", nil, http.StatusCreated},
		{"the page itself", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": srv.URL}, http.StatusCreated},
		{"same origin by Origin alone", map[string]string{"Origin": srv.URL}, http.StatusCreated},
		{"another site", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, http.StatusForbidden},
		{"another port of this host", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"}, http.StatusForbidden},
		{"another site by Origin alone", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(w.sim.People())
			body := `{"realName":"訪問者` + strings.Repeat("者", i) + `"}`
			req, _ := http.NewRequest("POST", srv.URL+"/slacksim/ui/people", strings.NewReader(body))
			req.Header.Set("Content-Type", "text/plain")
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Fatalf("POST: %d, want %d", res.StatusCode, tt.want)
			}
			added := len(w.sim.People()) - before
			if wantAdded := map[bool]int{true: 1, false: 0}[tt.want == http.StatusCreated]; added != wantAdded {
				t.Errorf("%d people added, want %d", added, wantAdded)
			}
		})
	}
}
