package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// commandHelp carries, with a usage error, the command whose --help explains
// the mistake.
type commandHelp struct {
	error
	path string
}

func (e *commandHelp) Unwrap() error { return e.error }

// helpFor ties a usage error to the command it was made on, so report can say
// which --help to read. Any other error is returned as is.
func helpFor(err error, cmd *cobra.Command) error {
	if cmd == nil || !errors.As(err, new(usageError)) {
		return err
	}
	return &commandHelp{err, cmd.CommandPath()}
}

// flagError words a flag parsing error for a person: a number that is not
// one says what it wants instead of quoting strconv.
func flagError(err error) error {
	msg := err.Error()
	i := strings.Index(msg, ": strconv.Parse")
	if i < 0 {
		return usageError{err}
	}
	want := "a number"
	switch rest := msg[i:]; {
	case strings.HasPrefix(rest, ": strconv.ParseBool"):
		want = "true or false"
	case strings.HasPrefix(rest, ": strconv.ParseInt"), strings.HasPrefix(rest, ": strconv.ParseUint"):
		want = "a whole number"
	}
	return usageError{errors.New(msg[:i] + ": want " + want)}
}

// strictUsage makes every usage mistake a usageError on every command below c:
// an unknown subcommand (with suggestions, as cobra makes them), a command
// group run without a subcommand, and arguments a command does not take. Flag
// errors are usage errors through the root's FlagErrorFunc.
func strictUsage(c *cobra.Command) {
	c.SuggestionsMinimumDistance = 2
	for _, sub := range c.Commands() {
		strictUsage(sub)
	}
	switch {
	case c.HasSubCommands():
		c.Args = unknownSubcommand
		if !c.Runnable() {
			c.RunE = needsSubcommand
		}
	case c.Args == nil:
		c.Args = args(cobra.NoArgs)
	default:
		c.Args = args(c.Args)
	}
}

// helpCommand is "sideways help [command]", which, unlike cobra's, calls an
// unknown topic a usage error (cobra finds the root for any topic once the
// root validates its own arguments).
func helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Args:  cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, a []string) error {
			target, rest, err := c.Root().Find(a)
			if err != nil {
				return usageError{err}
			}
			if err := unknownSubcommand(target, rest); err != nil {
				return err
			}
			return target.Help()
		},
	}
}

// unknownSubcommand rejects an argument to a command group: it names no
// subcommand.
func unknownSubcommand(cmd *cobra.Command, a []string) error {
	if len(a) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", a[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(a[0]); len(s) > 0 {
		msg += "; did you mean " + quotedOr(s) + "?"
	}
	return usageError{errors.New(msg)}
}

// needsSubcommand runs a command group typed alone: the root prints its help,
// any other group is a usage error listing its subcommands.
func needsSubcommand(cmd *cobra.Command, _ []string) error {
	if !cmd.HasParent() {
		return cmd.Help()
	}
	var names []string
	for _, s := range cmd.Commands() {
		if s.IsAvailableCommand() {
			names = append(names, s.Name())
		}
	}
	return usageError{fmt.Errorf("%q needs a subcommand: %s", cmd.CommandPath(), quotedOr(names))}
}

// quotedOr lists words as "a", "b" or "c".
func quotedOr(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = fmt.Sprintf("%q", w)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
