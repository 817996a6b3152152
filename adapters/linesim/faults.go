package linesim

import "net/http"

// fault is one injected failure of an API endpoint.
type fault struct {
	status     int
	retryAfter string
	// drop carries the call out and then breaks the connection instead of
	// answering: the caller cannot know whether it took effect.
	drop bool
}

// FailNext makes the next n calls to endpoint (one of the Endpoint
// constants) answer status without taking effect, with a Retry-After header
// when retryAfter is not empty. Failures queue up behind earlier ones.
func (s *Sim) FailNext(endpoint string, status int, retryAfter string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[endpoint] = append(s.faults[endpoint], fault{status: status, retryAfter: retryAfter})
	}
}

// DropNextResponse makes the next n calls to endpoint take effect (messages
// delivered, retry keys accepted) but lose their answer: the connection is
// closed without a response. A sender that retries with the same
// X-Line-Retry-Key then gets 409 and nothing is delivered twice.
func (s *Sim) DropNextResponse(endpoint string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[endpoint] = append(s.faults[endpoint], fault{drop: true})
	}
}

// Calls counts the calls made to endpoint (one of the Endpoint constants),
// failed ones included.
func (s *Sim) Calls(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[endpoint]
}

// takeFault counts a call to endpoint and returns the failure injected for
// it, if any.
func (s *Sim) takeFault(endpoint string) (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[endpoint]++
	q := s.faults[endpoint]
	if len(q) == 0 {
		return fault{}, false
	}
	s.faults[endpoint] = q[1:]
	return q[0], true
}

// faultMessage is LINE's message for an injected status.
func faultMessage(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "The API rate limit has been exceeded. Try again later."
	case http.StatusInternalServerError:
		return "Internal Server Error"
	}
	return http.StatusText(status)
}
