package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/sidewayscal/sideways/config"
)

func newInitCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter config",
		Long: `Init writes a commented starter config to the config path (see --config). It
never overwrites an existing file.`,
		Example: "  sideways init\n  sideways init --config ./sideways.yaml",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := g.config()
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				return err
			}
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if errors.Is(err, fs.ErrExist) {
				return withHint(fmt.Errorf("%s already exists; not overwriting it", path), `edit it, then run "sideways check"`)
			}
			if err != nil {
				return err
			}
			if _, err := f.WriteString(config.Starter); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "wrote %s\nnext: fill in your name, emails and peers, then run \"sideways check\"\n", path)
			return nil
		},
	}
}
