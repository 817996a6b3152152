package bot

// broadcastJA is the Japanese message catalog of broadcasts.
type broadcastJA struct {
	Report string // fmt: excerpt; __SENT__, __FAILED__, __SKIPPED__ are filled in by the store
}

var broadcastJAText = broadcastJA{
	Report: "【配信完了】「%s」の配信が終わりました。送信 __SENT__件、失敗 __FAILED__件、ブロック中のため送らなかった方 __SKIPPED__件。",
}
