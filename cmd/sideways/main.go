// Command sideways keeps a leader's peer relationships alive: it watches their
// calendars, notices which peers have gone quiet, and puts a 30-minute 10/10/10
// peer 1:1 on the calendar at a good time, under caps.
package main

import "os"

func main() { os.Exit(Main()) }
