// Package csvfile answers HTTP requests with CSV files that Excel opens as
// they are, for the API and the console alike.
package csvfile

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
)

// BOM starts a UTF-8 file that Excel should not read as Shift_JIS.
const BOM = "\ufeff"

// Send answers with a CSV attachment called name: UTF-8 with a BOM, as
// write writes it. The file is built before the headers go, so a failure
// half-way never reaches the client as a cut file.
func Send(w http.ResponseWriter, name string, write func(w io.Writer)) {
	var buf bytes.Buffer
	buf.WriteString(BOM)
	write(&buf)
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// Rows writes rows as Excel writes them (RFC 4180, CRLF line ends).
func Rows(rows [][]string) func(w io.Writer) {
	return func(w io.Writer) {
		cw := csv.NewWriter(w)
		cw.UseCRLF = true
		_ = cw.WriteAll(rows) // to a bytes.Buffer, which does not fail
	}
}
