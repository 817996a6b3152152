package linesim

import (
	"net/http"
	"strings"
	"testing"
)

// TestPageRefusesCrossOriginPosts: another web site open in the same
// browser cannot act as a simulated person; the page itself and clients
// that are not browsers still can.
func TestPageRefusesCrossOriginPosts(t *testing.T) {
	w := newWorld(t)
	base := page(t, w, "")
	tests := []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"no browser headers (curl, tests)", nil, http.StatusCreated},
		{"the page itself", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": base}, http.StatusCreated},
		{"typed into the address bar", map[string]string{"Sec-Fetch-Site": "none"}, http.StatusCreated},
		{"same origin by Origin alone", map[string]string{"Origin": base}, http.StatusCreated},
		{"another site", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, http.StatusForbidden},
		{"another port of this host", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"}, http.StatusForbidden},
		{"another site by Origin alone", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(w.sim.Users())
			req, _ := http.NewRequest("POST", base+"/sim/line/users", strings.NewReader(`{"displayName":"訪問者"}`))
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
			added := len(w.sim.Users()) - before
			if wantAdded := map[bool]int{true: 1, false: 0}[tt.want == http.StatusCreated]; added != wantAdded {
				t.Errorf("%d users added, want %d", added, wantAdded)
			}
		})
	}
	// Reading stays open: a cross-origin GET changes nothing and CORS
	// keeps its answer from the other site.
	req, _ := http.NewRequest("GET", base+"/sim/line/users", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET users: %d", res.StatusCode)
	}
}
