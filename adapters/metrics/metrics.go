// Package metrics holds the service's Prometheus instruments: webhooks
// received, messages sent, bot handling latency and the outbox depth.
//
// Instruments are registered on a registry the caller owns (never the
// global one), so tests and several services in one process do not collide.
package metrics

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// namespace prefixes every metric name.
const namespace = "tsunagu"

// handlerBuckets span a cached lookup (100µs) to a slow Redis round trip
// under load (5s), the range in which handling one chat event falls.
var handlerBuckets = []float64{
	0.0001, 0.00025, 0.0005,
	0.001, 0.0025, 0.005,
	0.01, 0.025, 0.05,
	0.1, 0.25, 0.5,
	1, 2.5, 5,
}

// Metrics are the service's instruments. The zero of *Metrics (nil) is
// usable: its helper methods do nothing, so code under test may leave
// metrics out.
type Metrics struct {
	// Webhooks counts webhook requests by platform and result (ok,
	// duplicate, bad_signature, ...).
	Webhooks *prometheus.CounterVec
	// Sends counts settled outbound messages by platform and result (sent,
	// retry, dead, ...).
	Sends *prometheus.CounterVec
	// HandlerSeconds is how long the bot took to handle one inbound event.
	HandlerSeconds *prometheus.HistogramVec
}

// New creates the instruments and registers them on reg, together with the
// gauge tsunagu_outbox_depth that calls outboxDepth at every scrape (left
// out when outboxDepth is nil; wrap a func that reads Redis in Cached). It panics if the names are already
// registered on reg: that is a wiring mistake, not a runtime condition.
func New(reg prometheus.Registerer, outboxDepth func() float64) *Metrics {
	m := &Metrics{
		Webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace,
			Name:      "webhooks_total",
			Help:      "Webhook requests received, by platform and result.",
		}, []string{"platform", "result"}),
		Sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace,
			Name:      "sends_total",
			Help:      "Outbound messages settled by the outbox worker, by platform and result.",
		}, []string{"platform", "result"}),
		HandlerSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace,
			Name:      "handler_duration_seconds",
			Help:      "Time the bot took to handle one inbound event, by platform.",
			Buckets:   handlerBuckets,
		}, []string{"platform"}),
	}
	reg.MustRegister(m.Webhooks, m.Sends, m.HandlerSeconds)
	if outboxDepth != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace,
			Name:      "outbox_depth",
			Help:      "Outbound messages waiting in the outbox stream.",
		}, outboxDepth))
	}
	return m
}

// Webhook counts one webhook request.
func (m *Metrics) Webhook(platform, result string) {
	if m == nil {
		return
	}
	m.Webhooks.WithLabelValues(platform, result).Inc()
}

// Sent counts one settled outbound message. Its signature fits
// outbox.Worker.OnResult.
func (m *Metrics) Sent(platform, result string) {
	if m == nil {
		return
	}
	m.Sends.WithLabelValues(platform, result).Inc()
}

// ObserveHandler records how long handling one inbound event took.
func (m *Metrics) ObserveHandler(platform string, d time.Duration) {
	if m == nil {
		return
	}
	m.HandlerSeconds.WithLabelValues(platform).Observe(d.Seconds())
}

// Cached makes a gauge that reads a store cheap to scrape, for New's
// outboxDepth: the returned func calls read at most once per ttl, whatever
// the scrape rate, and serves the last value in between. Scrapes that come
// while a read is under way wait for it rather than start another. A read
// gets timeout; a failed one shows -1 (the gauge cannot be absent) and is
// also kept for ttl, so that a store in trouble is not asked at every
// scrape. now is the clock (time.Now outside tests).
func Cached(read func(ctx context.Context) (float64, error), ttl, timeout time.Duration, now func() time.Time) func() float64 {
	var (
		mu    sync.Mutex
		value float64
		at    time.Time
		valid bool
	)
	return func() float64 {
		mu.Lock()
		defer mu.Unlock()
		if t := now(); valid && t.Sub(at) < ttl && !t.Before(at) {
			return value
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		v, err := read(ctx)
		if err != nil {
			v = -1
		}
		value, at, valid = v, now(), true
		return value
	}
}

// Handler serves the metrics gathered from g in the Prometheus text format.
func Handler(g prometheus.Gatherer) http.Handler {
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{})
}
