// Package jtext understands the short, free Japanese that people type into a
// chat: it folds the many ways to write the same thing (full-width digits,
// half-width katakana, katakana or hiragana, odd dashes) into one form, and
// reads yes/no answers, lists and small counts from it.
//
// Every function is pure and total: any input, including invalid UTF-8,
// gives an answer and never panics.
package jtext
