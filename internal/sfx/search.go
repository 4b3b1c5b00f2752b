package sfx

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// DefaultPageSize is the page size SearchTokens and SearchPage ask for when none is given.
const DefaultPageSize = 100

// MaxSearchResults is the most tokens the API returns for one search, whatever its count says.
const MaxSearchResults = 10000

// SearchOptions select the tokens SearchTokens returns.
type SearchOptions struct {
	// NameContains keeps the tokens whose name contains it; "" keeps all.
	NameContains string
	// PageSize is the number of tokens asked for per request; DefaultPageSize when 0.
	PageSize int
	// MaxResults stops the search once this many tokens are collected; 0 means all.
	MaxResults int
}

// SearchResult is the outcome of SearchTokens.
type SearchResult struct {
	// Count is the size of the whole match set as the API reports it (capped by the API at
	// MaxSearchResults); it can exceed len(Tokens) when MaxResults stopped the search.
	Count int
	// Tokens are the tokens found, in the API's order, without duplicates.
	Tokens []Token
	// Requests is the number of pages requested.
	Requests int
}

// SearchTokens pages through GET /v2/token and collects the matching tokens.
//
// Each page advances the offset by the number of tokens it actually holds (a server may
// return fewer than asked). The search stops when the offset reaches the count, when a page
// is empty (so a server whose count is wrong cannot loop it forever), at MaxSearchResults,
// or once MaxResults tokens are collected. A token seen twice, because the set changed while
// paging, is kept once.
func (c *Client) SearchTokens(ctx context.Context, opts SearchOptions) (*SearchResult, error) {
	if opts.PageSize < 0 || opts.MaxResults < 0 {
		return nil, fmt.Errorf("sfx: SearchTokens needs a non-negative PageSize and MaxResults: %w", ErrInvalidArgument)
	}
	pageSize := opts.PageSize
	if pageSize == 0 {
		pageSize = DefaultPageSize
	}
	res := &SearchResult{}
	seen := map[string]bool{}
	for offset := 0; ; {
		limit := pageSize
		if opts.MaxResults > 0 {
			limit = min(limit, opts.MaxResults-len(res.Tokens))
		}
		count, page, err := c.SearchPage(ctx, opts.NameContains, offset, limit)
		res.Requests++
		if err != nil {
			return nil, fmt.Errorf("search page at offset %d: %w", offset, err)
		}
		res.Count = count
		for _, t := range page {
			key := "id:" + t.ID
			if t.ID == "" {
				key = "name:" + t.Name
			}
			if !seen[key] {
				seen[key] = true
				res.Tokens = append(res.Tokens, t)
			}
		}
		offset += len(page)
		if len(page) == 0 || offset >= count || offset >= MaxSearchResults ||
			(opts.MaxResults > 0 && len(res.Tokens) >= opts.MaxResults) {
			break
		}
	}
	if opts.MaxResults > 0 && len(res.Tokens) > opts.MaxResults {
		res.Tokens = res.Tokens[:opts.MaxResults]
	}
	return res, nil
}

// SearchPage requests one page of GET /v2/token: up to limit tokens (DefaultPageSize when
// limit is 0) starting at offset, whose name contains name ("" for all). It returns the
// size of the whole match set and the tokens of this page. The query always carries limit
// and offset, and name only when it is not empty.
func (c *Client) SearchPage(ctx context.Context, name string, offset, limit int) (count int, tokens []Token, err error) {
	if offset < 0 || limit < 0 {
		return 0, nil, fmt.Errorf("sfx: SearchPage needs a non-negative offset and limit: %w", ErrInvalidArgument)
	}
	if limit == 0 {
		limit = DefaultPageSize
	}
	query := "limit=" + strconv.Itoa(limit) + "&offset=" + strconv.Itoa(offset)
	if name != "" {
		query += "&name=" + queryEscape(name)
	}
	r := &request{
		method: http.MethodGet, route: routeTokens, path: routeTokens, query: query,
		policy: retryIdempotent, want: []int{http.StatusOK},
	}
	status, body, err := c.do(ctx, r)
	if err != nil {
		return 0, nil, err
	}
	var page struct {
		Count   *int    `json:"count"`
		Results []Token `json:"results"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return 0, nil, decodeError(r, status, err)
	}
	if page.Count == nil {
		return 0, nil, &DecodeError{
			StatusCode: status, Method: r.method, Route: r.route,
			Reason: `the search response has no "count"`,
		}
	}
	return *page.Count, page.Results, nil
}

// queryEscape escapes a query value exactly once, with %20 for a space rather than "+", so
// that servers that do not decode "+" in queries see the same name; a literal "+" is %2B.
func queryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
