package install

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/kardianos/service"
)

var _ service.Interface = (*program)(nil)

// program runs the daemon under kardianos' Run. Start and Stop are called by
// Run, once each and from one goroutine at a time; the run goroutine is owned
// by program, which cancels it in Stop and waits for it.
type program struct {
	run     func(ctx context.Context) error
	log     *slog.Logger
	timeout time.Duration
	// onExit, if set, is called when run returns without Stop having been
	// called (Windows: exit so the service manager notices).
	onExit func(error)

	mu       sync.Mutex
	cancel   context.CancelFunc
	done     chan struct{} // closed when run has returned
	err      error         // run's result, set before done is closed
	stopping bool
}

// Start starts run in a goroutine with a cancellable context and returns at
// once, as kardianos requires.
func (p *program) Start(service.Service) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done != nil {
		return errors.New("the daemon is already started")
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.done = make(chan struct{})
	go func() {
		err := p.run(ctx)
		p.mu.Lock()
		p.err = err
		stopping := p.stopping
		p.mu.Unlock()
		close(p.done)
		if !stopping && p.onExit != nil {
			p.onExit(err)
		}
	}()
	p.log.Info("service started")
	return nil
}

// Stop cancels run's context and waits up to p.timeout for run to return. It
// returns run's error (nil after a clean stop), or an error when run has not
// returned in time; it never exits the process.
func (p *program) Stop(service.Service) error {
	p.mu.Lock()
	if p.done == nil {
		p.mu.Unlock()
		return nil
	}
	p.stopping = true
	p.cancel()
	done := p.done
	p.mu.Unlock()

	t := time.NewTimer(p.timeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		p.log.Error("the daemon did not stop in time", "timeout", p.timeout)
		return fmt.Errorf("the daemon did not stop within %s", p.timeout)
	}
	p.mu.Lock()
	err := p.err
	p.mu.Unlock()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	p.log.Info("service stopped", "err", err)
	return err
}

// wait is kardianos' RunWait: it returns on SIGINT or SIGTERM, or as soon as
// run has returned by itself, so Run then calls Stop, which reports run's
// error and the process exits non-zero for the service manager to restart.
func (p *program) wait() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	select {
	case <-sig:
	case <-done: // a nil done (never started) blocks, leaving the signals
	}
}
