package serve

import (
	"os/exec"
	"runtime"
)

// browserCommand is the command that opens url in the default browser on
// the system goos: xdg-open on Linux and the BSDs, open on macOS, the URL
// handler of rundll32 on Windows.
func browserCommand(goos, url string) (string, []string) {
	switch goos {
	case "darwin":
		return "open", []string{url}
	case "windows":
		return "rundll32", []string{"url.dll,FileProtocolHandler", url}
	}
	return "xdg-open", []string{url}
}

// OpenBrowser opens url in the default browser, without waiting for it.
func OpenBrowser(url string) error {
	name, args := browserCommand(runtime.GOOS, url)
	cmd := exec.Command(name, args...)
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reaps it
	return nil
}
