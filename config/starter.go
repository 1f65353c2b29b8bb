package config

import _ "embed"

// Starter is the commented starter config `sideways init` writes. Parse accepts
// it as is. Treat it as a constant.
//
//go:embed starter.yaml
var Starter string
