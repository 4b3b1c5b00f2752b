package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// serveControl serves the test-control surface under /_emulator. Every
// request needs an admin token. Control requests are not logged, counted,
// delayed, rate limited or faulted.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request, path string) {
	p, e := s.authenticate(r)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	if p.kind != principalAdmin {
		writeError(w, http.StatusForbidden, "The emulator control endpoints need an admin token")
		return
	}
	segs := strings.Split(strings.TrimPrefix(path, "/_emulator/"), "/")
	switch {
	case len(segs) == 1 && segs[0] == "faults":
		s.controlFaults(w, r)
	case len(segs) == 2 && segs[0] == "faults":
		id, err := strconv.Atoi(segs[1])
		if err != nil {
			writeError(w, http.StatusNotFound, "No fault rule "+strconv.Quote(segs[1]))
			return
		}
		if !allowMethods(w, r, http.MethodDelete) {
			return
		}
		if !s.RemoveFault(id) {
			writeError(w, http.StatusNotFound, "No fault rule "+segs[1])
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case len(segs) == 1 && segs[0] == "requests":
		switch r.Method {
		case http.MethodGet:
			writeValue(w, map[string]any{"requests": s.Requests()})
		case http.MethodDelete:
			s.ResetRequests()
			w.WriteHeader(http.StatusNoContent)
		default:
			allowMethods(w, r, http.MethodGet, http.MethodDelete)
		}
	case len(segs) == 1 && segs[0] == "stats":
		if allowMethods(w, r, http.MethodGet) {
			writeValue(w, s.Stats())
		}
	case len(segs) == 1 && segs[0] == "seed":
		s.controlSeed(w, r)
	case len(segs) == 1 && segs[0] == "clock":
		s.controlClock(w, r)
	default:
		writeError(w, http.StatusNotFound, "HTTP 404 Not Found")
	}
}

func allowMethods(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	writeError(w, http.StatusMethodNotAllowed, "HTTP 405 Method Not Allowed")
	return false
}

func writeValue(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// controlFaults: GET lists rules, POST adds one rule (a Fault object) or
// several (an array), DELETE clears them all.
func (s *Server) controlFaults(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		writeValue(w, map[string]any{"faults": s.Faults()})
	case http.MethodDelete:
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPost:
		body, e := readBody(w, r)
		if e != nil {
			writeAPIError(w, e)
			return
		}
		var faults []Fault
		trimmed := strings.TrimSpace(string(body))
		if strings.HasPrefix(trimmed, "[") {
			if err := json.Unmarshal(body, &faults); err != nil {
				writeError(w, http.StatusBadRequest, "Invalid fault list: "+err.Error())
				return
			}
		} else {
			var f Fault
			if err := json.Unmarshal(body, &f); err != nil {
				writeError(w, http.StatusBadRequest, "Invalid fault: "+err.Error())
				return
			}
			faults = []Fault{f}
		}
		for i := range faults {
			if err := faults[i].validate(); err != nil {
				writeError(w, http.StatusBadRequest, "Invalid fault: "+err.Error())
				return
			}
		}
		ids := make([]int, 0, len(faults))
		for _, f := range faults {
			id, err := s.AddFault(f)
			if err != nil {
				writeError(w, http.StatusBadRequest, "Invalid fault: "+err.Error())
				return
			}
			ids = append(ids, id)
		}
		writeValue(w, map[string]any{"ids": ids})
	default:
		allowMethods(w, r, http.MethodGet, http.MethodPost, http.MethodDelete)
	}
}

// controlSeed: POST {"prefix":"bulk-","count":500} creates tokens with SeedN.
func (s *Server) controlSeed(w http.ResponseWriter, r *http.Request) {
	if !allowMethods(w, r, http.MethodPost) {
		return
	}
	var req struct {
		Prefix string `json:"prefix"`
		Count  int    `json:"count"`
	}
	body, e := readBody(w, r)
	if e != nil {
		writeAPIError(w, e)
		return
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Count <= 0 || req.Count > 1_000_000 {
		writeError(w, http.StatusBadRequest, `Want {"prefix":"...","count":N} with 0 < N <= 1000000`)
		return
	}
	if err := s.SeedN(req.Prefix, req.Count); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeValue(w, map[string]any{"tokens": s.TokenCount()})
}

// controlClock: GET returns {"now": ms}; POST {"advance":"1h"} or
// {"set": ms} moves a ManualClock (409 with any other clock).
func (s *Server) controlClock(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		mc, ok := s.clock.(*ManualClock)
		if !ok {
			writeError(w, http.StatusConflict, "The server clock is not a manual clock")
			return
		}
		var req struct {
			Advance string `json:"advance"`
			Set     *int64 `json:"set"`
		}
		body, e := readBody(w, r)
		if e != nil {
			writeAPIError(w, e)
			return
		}
		if err := json.Unmarshal(body, &req); err != nil {
			writeError(w, http.StatusBadRequest, "Invalid clock request: "+err.Error())
			return
		}
		if req.Set != nil {
			mc.Set(time.UnixMilli(*req.Set))
		}
		if req.Advance != "" {
			d, err := time.ParseDuration(req.Advance)
			if err != nil {
				writeError(w, http.StatusBadRequest, "Invalid advance: "+err.Error())
				return
			}
			mc.Advance(d)
		}
	default:
		allowMethods(w, r, http.MethodGet, http.MethodPost)
		return
	}
	writeValue(w, map[string]int64{"now": s.clock.Now().UnixMilli()})
}
