package config

import "bytes"

// tabIndents reports, as problems, the tabs in the indentation of data's
// lines, each at its own line and column, and says whether it found any.
// yaml only says it "found character that cannot start any token", or blames
// the line before the tab; it is called once yaml has rejected the file, so a
// tab yaml accepts (inside a value) is never reported.
func (p *parser) tabIndents(data []byte) bool {
	found := false
	for i, line := range bytes.Split(data, []byte("\n")) {
		rest := bytes.TrimLeft(line, " \t")
		if len(bytes.TrimSpace(rest)) == 0 {
			continue // blank
		}
		indent := len(line) - len(rest)
		if col := bytes.IndexByte(line[:indent], '\t'); col >= 0 {
			p.errs = append(p.errs, &Error{Pos{p.file, i + 1, col + 1}, "YAML does not allow tabs for indentation; use spaces"})
			found = true
		}
	}
	return found
}
