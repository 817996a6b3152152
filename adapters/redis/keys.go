// Package redis stores people and the outbox in Redis, on one server or a
// Redis Cluster.
//
// Handling an event commits three things at once: the person's new state, the
// event marked processed and the replies to send. That is one Lua script, and
// in a Cluster a script may only touch keys of one hash slot. So every key
// lives under a shard tag, {ts:NN}, chosen by the profile ID: a person's hash,
// the shard's index of profiles, its processed events and its outbox stream
// share a slot, while the 16 shards still spread over the Cluster's nodes.
// Operations over all people (listing, reading the outbox) make one call per
// shard, which is safe on a Cluster.
package redis

import (
	"fmt"
	"hash/crc32"
)

// Shards is the number of shard tags. Changing it moves every key.
const Shards = 16

// group is the outbox streams' consumer group.
const group = "senders"

// shardOf returns the shard holding a person's keys.
func shardOf(profileID string) int {
	return int(crc32.ChecksumIEEE([]byte(profileID)) % Shards)
}

func tag(shard int) string { return fmt.Sprintf("{ts:%02d}", shard) }

// personKey is a hash: profile (JSON), conv (JSON), ver (int).
func personKey(profileID string) string {
	return tag(shardOf(profileID)) + ":p:" + profileID
}

// profilesKey is the set of profile IDs in a shard, the index for listing.
func profilesKey(shard int) string { return tag(shard) + ":profiles" }

// seenKey is a sorted set of processed event IDs scored by unix ms. Event IDs
// never name a person, so it holds nothing to delete when a person leaves.
func seenKey(shard int) string { return tag(shard) + ":seen" }

// outboxKey is a stream of entries to send: fields out (JSON) and attempt.
func outboxKey(shard int) string { return tag(shard) + ":outbox" }

// delayedKey is a sorted set of entries waiting for a retry, scored by the
// unix ms they are due.
func delayedKey(shard int) string { return tag(shard) + ":outbox:delayed" }

// deadKey is a capped list of dead-letter records, newest first.
func deadKey(shard int) string { return tag(shard) + ":outbox:dead" }

// openTalksKey is a sorted set of the people with an open conversation with
// the coordinators, scored by when it opened (unix ms); closedTalksKey the
// same for closed ones, scored by when they closed. Both name people and
// are cleared when a person is deleted.
func openTalksKey(shard int) string   { return tag(shard) + ":talks:open" }
func closedTalksKey(shard int) string { return tag(shard) + ":talks:closed" }
