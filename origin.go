package main

import (
	"net"
	"net/http"
	"strings"
)

// originGuard passes a request on to next only when it comes from the page the server itself
// serves. Its Host must name the server (a loopback name with the server's port, or the
// address it listens on), which defeats DNS rebinding; an Origin header, which browsers send
// with every WebSocket handshake and cross-site request, must be that same origin. A request
// without Origin (a program on this machine, not a web page) passes. The dev build puts it in
// front of Wails's dev server, whose IPC WebSocket accepts any origin, so a web site open in
// the person's browser cannot drive the app's bound methods.
func originGuard(listenAddr string, next http.Handler) http.Handler {
	_, port, _ := net.SplitHostPort(listenAddr)
	hosts := map[string]bool{strings.ToLower(listenAddr): true}
	for _, h := range []string{"127.0.0.1", "localhost", "[::1]"} {
		hosts[h+":"+port] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := strings.ToLower(r.Host)
		if !hosts[host] {
			http.Error(w, "foreign host "+r.Host+" refused", http.StatusForbidden)
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !strings.EqualFold(o, "http://"+host) {
			http.Error(w, "foreign origin "+o+" refused", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}
