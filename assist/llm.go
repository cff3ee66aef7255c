package assist

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"github.com/sashabaranov/go-openai/jsonschema"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/httpx"
	"github.com/heraldhq/herald/internal/retryafter"
)

// Defaults of Config.
const (
	DefaultTimeout = 30 * time.Second
	DefaultModel   = "gpt-4o-mini" // on OpenAI itself, when HERALD_LLM_MODEL is not set
	// DefaultAzureAPIVersion supports structured outputs.
	DefaultAzureAPIVersion = "2024-10-21"
	maxRetries             = 2 // after the first attempt, on 429 and 5xx
	maxBackoff             = 8 * time.Second
	maxRetryAfter          = 30 * time.Second
)

// Config says how to reach an OpenAI-compatible endpoint.
type Config struct {
	BaseURL string // e.g. http://localhost:11434/v1; "" is OpenAI's
	APIKey  string
	Model   string // the model (on Azure: the deployment)
	// APIVersion is Azure's api-version. Azure OpenAI (the api-key
	// header, deployments in the path) is chosen when it is set, or when
	// the base URL is on *.openai.azure.com or
	// *.cognitiveservices.azure.com.
	APIVersion string
	Timeout    time.Duration // of one attempt; DefaultTimeout when 0
	// HTTPClient carries the requests (its Timeout is ignored: Timeout
	// applies); when nil, httpx's client for an endpoint the operator
	// configured (OPENAI_BASE_URL may be Ollama on localhost).
	HTTPClient *http.Client
	// Sleep waits between attempts; a timer when nil. Tests inject one.
	Sleep func(ctx context.Context, d time.Duration) error
	// Vision says the model reads images (HERALD_LLM_VISION=true): Herald
	// then offers to suggest alt text. Text-only models leave it false.
	Vision bool
}

// MaxCallDuration is the longest one call of the LLM can take: every
// attempt timing out (and one more when the server refuses structured
// output), with the longest wait before each retry.
func (c Config) MaxCallDuration() time.Duration {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return time.Duration(maxRetries+2)*timeout + time.Duration(maxRetries)*max(maxBackoff, maxRetryAfter)
}

// Configured reports whether an LLM endpoint is set at all.
func (c Config) Configured() bool { return c.BaseURL != "" || c.APIKey != "" }

// IsAzure reports whether the endpoint is Azure OpenAI.
func (c Config) IsAzure() bool {
	if c.APIVersion != "" {
		return true
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return strings.HasSuffix(h, ".openai.azure.com") || strings.HasSuffix(h, ".cognitiveservices.azure.com")
}

// notConfigured is the message given when no LLM is configured.
const notConfigured = "Drafting help needs an LLM: set OPENAI_BASE_URL (and OPENAI_API_KEY, HERALD_LLM_MODEL) to any OpenAI-compatible endpoint — OpenAI, Azure OpenAI, Ollama, vLLM or llama.cpp; README.md shows how."

// NotConfigured returns the EUNAVAILABLE error of drafting help without an
// LLM.
func NotConfigured() error { return herald.Errorf(herald.EUNAVAILABLE, notConfigured) }

// Client calls the chat completions endpoint: a timeout per attempt,
// retries with backoff and jitter on 429 and 5xx (honouring Retry-After),
// structured output with a fallback when the server ignores the schema,
// and a log line per call without the text or the key.
type Client struct {
	api   *openai.Client
	cfg   Config
	log   *slog.Logger
	clock herald.Clock
}

// NewClient returns a client for cfg. It refuses (EINVALID) a config
// without a model where one cannot be guessed, and (EUNAVAILABLE) an
// empty one.
func NewClient(cfg Config, clock herald.Clock, log *slog.Logger) (*Client, error) {
	if !cfg.Configured() {
		return nil, NotConfigured()
	}
	if cfg.Model == "" {
		if cfg.BaseURL != "" {
			return nil, herald.Errorf(herald.EINVALID, "HERALD_LLM_MODEL: name the model to use at %s (e.g. llama3.1 for Ollama; the deployment name on Azure).", cfg.BaseURL)
		}
		cfg.Model = DefaultModel
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Sleep == nil {
		cfg.Sleep = herald.Sleep
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if clock == nil {
		clock = herald.SystemClock{}
	}
	var oc openai.ClientConfig
	if cfg.IsAzure() {
		oc = openai.DefaultAzureConfig(cfg.APIKey, cfg.BaseURL)
		oc.APIVersion = cfg.APIVersion
		if oc.APIVersion == "" {
			oc.APIVersion = DefaultAzureAPIVersion
		}
		oc.AzureModelMapperFunc = func(model string) string { return model } // HERALD_LLM_MODEL is the deployment
	} else {
		oc = openai.DefaultConfig(cfg.APIKey)
		if cfg.BaseURL != "" {
			oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
		}
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = httpx.New(httpx.Options{Trusted: true, Timeout: -1})
	}
	oc.HTTPClient = hintingDoer{hc}
	return &Client{api: openai.NewClientWithConfig(oc), cfg: cfg, log: log, clock: clock}, nil
}

// Model returns the model the client asks.
func (c *Client) Model() string { return c.cfg.Model }

// hint is what the transport saw of the last response of an attempt:
// error responses of go-openai do not expose their headers.
type hint struct {
	retryAfter string
}

type hintKey struct{}

// hintingDoer records Retry-After in the request's hint.
type hintingDoer struct{ c *http.Client }

func (d hintingDoer) Do(r *http.Request) (*http.Response, error) {
	resp, err := d.c.Do(r)
	if err == nil {
		if h, ok := r.Context().Value(hintKey{}).(*hint); ok {
			h.retryAfter = resp.Header.Get("Retry-After")
		}
	}
	return resp, err
}

// call is one completion asked of the LLM.
type call struct {
	op       string // variants, reply, triage: for the logs
	brand    herald.Brand
	messages []openai.ChatCompletionMessage
	schema   any // the Go value whose JSON schema the answer follows
	name     string
	maxTok   int
	// temperature: 0 for judgements (triage), higher for writing.
	temperature float32
}

// reasoningModel reports whether model is one of OpenAI's reasoning
// models, which refuse max_tokens and temperature.
func reasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// complete asks for one completion and returns its text. Every attempt is
// logged with the brand, model, token counts and latency.
func (c *Client) complete(ctx context.Context, k call) (string, error) {
	req := openai.ChatCompletionRequest{Model: c.cfg.Model, Messages: k.messages}
	if reasoningModel(c.cfg.Model) {
		// OpenAI's reasoning models take max_completion_tokens and no
		// sampling parameters (go-openai refuses the request otherwise).
		req.MaxCompletionTokens = k.maxTok
	} else {
		req.MaxTokens, req.Temperature = k.maxTok, k.temperature
	}
	if k.schema != nil {
		schema, err := jsonschema.GenerateSchemaForType(k.schema)
		if err != nil {
			return "", herald.Internal(err)
		}
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type:       openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{Name: k.name, Schema: schema, Strict: true},
		}
	}
	for attempt := 0; ; attempt++ {
		text, status, retryAfter, err := c.attempt(ctx, k, req, attempt)
		if err == nil {
			return text, nil
		}
		if status == http.StatusBadRequest && req.ResponseFormat != nil {
			// Some servers refuse response_format: ask again without it;
			// the prompt asks for JSON and the answer is parsed leniently.
			req.ResponseFormat = nil
			attempt--
			continue
		}
		if !retryable(status) || attempt >= maxRetries {
			return "", c.failure(ctx, err, status)
		}
		wait := backoff(attempt, retryAfter)
		if serr := c.cfg.Sleep(ctx, wait); serr != nil {
			return "", c.failure(ctx, serr, 0)
		}
	}
}

// attempt makes one request under the per-attempt timeout.
func (c *Client) attempt(ctx context.Context, k call, req openai.ChatCompletionRequest, n int) (string, int, time.Duration, error) {
	h := &hint{}
	actx, cancel := context.WithTimeout(context.WithValue(ctx, hintKey{}, h), c.cfg.Timeout)
	defer cancel()
	start := c.clock.Now()
	resp, err := c.api.CreateChatCompletion(actx, req)
	latency := c.clock.Now().Sub(start)
	attrs := []any{"op", k.op, "brand", k.brand.Name, "brand_id", k.brand.ID, "model", c.cfg.Model, "attempt", n + 1,
		"latency_ms", latency.Milliseconds(), "structured", req.ResponseFormat != nil}
	if err != nil {
		status := statusOf(err)
		if status == 0 && errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			err = errAttemptTimeout
		}
		c.log.WarnContext(ctx, "llm call failed", append(attrs, "status", status, "error", errorKind(err, status))...)
		return "", status, retryafter.Parse(h.retryAfter, c.clock.Now()), err
	}
	c.log.InfoContext(ctx, "llm call", append(attrs, "prompt_tokens", resp.Usage.PromptTokens,
		"completion_tokens", resp.Usage.CompletionTokens, "total_tokens", resp.Usage.TotalTokens)...)
	if len(resp.Choices) == 0 {
		return "", 0, 0, herald.Errorf(herald.EUNAVAILABLE, "The LLM answered with nothing; try again.")
	}
	return resp.Choices[0].Message.Content, 0, 0, nil
}

var errAttemptTimeout = errors.New("the LLM did not answer in time")

// errorKind names a failure for the logs without the server's text, which
// may quote the prompt.
func errorKind(err error, status int) string {
	switch {
	case status != 0:
		return "http " + strconv.Itoa(status)
	case errors.Is(err, errAttemptTimeout):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return "network"
	}
	return "other"
}

// statusOf returns the HTTP status of a go-openai error, 0 when none.
func statusOf(err error) int {
	var ae *openai.APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatusCode
	}
	var re *openai.RequestError
	if errors.As(err, &re) {
		return re.HTTPStatusCode
	}
	return 0
}

// retryable: rate limits and server errors, never 4xx otherwise.
func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500 && status <= 599
}

// backoff is the wait before attempt n+1: Retry-After when the server gave
// one (capped), else an exponential backoff with jitter.
func backoff(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, maxRetryAfter)
	}
	d := min(500*time.Millisecond<<n, maxBackoff)
	return d/2 + rand.N(d/2+1)
}

// failure turns the last error into a message for people.
func (c *Client) failure(ctx context.Context, err error, status int) error {
	switch {
	case errors.Is(err, errAttemptTimeout):
		return &herald.Error{Code: herald.EUNAVAILABLE, Err: err,
			Message: fmt.Sprintf("The LLM did not answer within %s; nothing was created. Try again later, or ask the team running Herald to check the LLM endpoint.", c.cfg.Timeout)}
	case ctx.Err() != nil:
		return &herald.Error{Code: herald.EUNAVAILABLE, Err: err, Message: "The drafting was stopped before the LLM answered; nothing was created."}
	case status == http.StatusTooManyRequests:
		return &herald.Error{Code: herald.EUNAVAILABLE, Err: err, Message: "The LLM is rate-limiting Herald; try again in a minute."}
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return &herald.Error{Code: herald.EUNAVAILABLE, Err: err, Message: fmt.Sprintf("The LLM refused Herald's credentials (HTTP %d): check OPENAI_API_KEY.", status)}
	case status == http.StatusNotFound:
		return &herald.Error{Code: herald.EUNAVAILABLE, Err: err, Message: fmt.Sprintf("The LLM endpoint does not know model %q (HTTP 404): check HERALD_LLM_MODEL and OPENAI_BASE_URL (which ends in /v1).", c.cfg.Model)}
	case status >= 500:
		return &herald.Error{Code: herald.EUNAVAILABLE, Err: err, Message: fmt.Sprintf("The LLM endpoint failed (HTTP %d) after %d attempts; try again later.", status, maxRetries+1)}
	case status != 0:
		return &herald.Error{Code: herald.EUNAVAILABLE, Err: err, Message: fmt.Sprintf("The LLM endpoint refused the request (HTTP %d).", status)}
	}
	return &herald.Error{Code: herald.EUNAVAILABLE, Err: err, Message: "The LLM endpoint cannot be reached; try again later, or ask the team running Herald to check OPENAI_BASE_URL."}
}
