package slacksim

import "net/http"

// MethodResponseURL names the response_url endpoint for FailNext and Calls.
const MethodResponseURL = "response_url"

// fault is one injected failure of a Web API method.
type fault struct {
	status     int
	retryAfter string
	slackError string // answer 200 {"ok":false,"error":slackError}
	// drop carries the call out and then breaks the connection instead of
	// answering: the caller cannot know whether it took effect.
	drop bool
}

// FailNext makes the next n calls of method ("chat.postMessage", or
// MethodResponseURL) answer the HTTP status without taking effect, with a
// Retry-After header (seconds) when retryAfter is not empty; slack-go turns
// a 429 with Retry-After into *slack.RateLimitedError. Failures queue up
// behind earlier ones.
func (s *Sim) FailNext(method string, status int, retryAfter string, n int) {
	s.addFaults(method, fault{status: status, retryAfter: retryAfter}, n)
}

// FailNextWith makes the next n calls of method answer 200
// {"ok":false,"error":slackError} without taking effect, as Slack answers
// "fatal_error" or "channel_not_found".
func (s *Sim) FailNextWith(method, slackError string, n int) {
	s.addFaults(method, fault{status: http.StatusOK, slackError: slackError}, n)
}

// DropNextResponse makes the next n calls of method take effect (the
// message is posted) but lose their answer: the connection is closed
// without a response, as after a timeout. Slack has no idempotency key, so
// a sender that simply retries posts twice.
func (s *Sim) DropNextResponse(method string, n int) {
	s.addFaults(method, fault{drop: true}, n)
}

func (s *Sim) addFaults(method string, f fault, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[method] = append(s.faults[method], f)
	}
}

// Calls counts the calls made to method, failed ones included.
func (s *Sim) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// takeFault counts a call to method and returns the failure injected for
// it, if any.
func (s *Sim) takeFault(method string) (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
	q := s.faults[method]
	if len(q) == 0 {
		return fault{}, false
	}
	s.faults[method] = q[1:]
	return q[0], true
}
