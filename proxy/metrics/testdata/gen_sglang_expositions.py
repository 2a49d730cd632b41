#!/usr/bin/python3
# Copyright 2026 The vllm-to-sglang Authors.
# Licensed under the Apache License, Version 2.0.
#
# Writes the SGLang expositions under testdata/ with the real prometheus_client
# in multiprocess mode, the way SGLang serves /metrics. Metric names, labels,
# bucket defaults and multiprocess modes follow sgl-project/sglang
# python/sglang/srt/observability/metrics_collector.py (see docs/metrics.md);
# the observed values are made up but consistent. Not run by the tests.
#
#   apt-get install python3-prometheus-client   # 0.16 on Debian
#   /usr/bin/python3 proxy/metrics/testdata/gen_sglang_expositions.py
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = "meta-llama/Llama-3.1-8B-Instruct"

SGLANG_TTFT = [0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400]
SGLANG_ITL = [0.002, 0.004, 0.006, 0.008, 0.010, 0.015, 0.020, 0.025, 0.030, 0.035, 0.040,
              0.060, 0.080, 0.100, 0.200, 0.400, 0.600, 0.800, 1.0, 2.0, 4.0, 6.0, 8.0]
SGLANG_E2E = [0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400,
              600, 1200, 1800, 2400]
# The buckets the webhook passes (--bucket-time-to-first-token etc.): vLLM's.
VLLM_TTFT = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0,
             7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0]
VLLM_ITL = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5,
            10.0, 20.0, 40.0, 80.0]
VLLM_E2E = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0,
            120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0]
TOKENS = [100, 300, 500, 700, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000,
          10000, 12500, 15000, 17500, 20000, 22500, 25000, 27500, 30000, 35000, 40000, 60000,
          80000, 100000, 200000, 300000, 400000, 600000, 800000, 1000000, 1100000]
QUEUE = [0.0, 0.001, 0.005, 0.01, 0.05, 0.1, 0.2, 0.5, 1, 2, 3, 4, 5, 10, 15, 20, 30, 40, 50,
         60, 70, 80, 90, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1200, 1400, 1600,
         1800, 2000, 2500, 3000]
STAGE = [0.001 * 1.62 ** i for i in range(30)]
ROUTING_KEY_BOUNDS = [1, 2, 3, 5, 7, 10, 20, 50, 100, 200]


# SGLang's gauges use multiprocess_mode="mostrecent" (prometheus_client >= 0.17).
# Debian ships 0.16, so "max" stands in: with one writer per series both drop
# the pid label and expose the value as set.
MOSTRECENT = "max"


def scheduler_metrics(pc, names, newest):
    g = lambda n, doc, extra=(): pc.Gauge(n, doc, list(names) + list(extra), multiprocess_mode=MOSTRECENT)
    m = {
        "running": g("sglang:num_running_reqs", "The number of running requests."),
        "queue": g("sglang:num_queue_reqs", "The number of requests in the waiting queue."),
        "grammar": g("sglang:num_grammar_queue_reqs", "The number of requests in the grammar waiting queue."),
        "gen_tp": g("sglang:gen_throughput", "The generation throughput (token/s)."),
        "hit_rate": g("sglang:cache_hit_rate", "The prefix cache hit rate."),
        "token_usage": g("sglang:token_usage", "The token usage."),
        "used": g("sglang:num_used_tokens", "The number of used tokens."),
        "max_total": g("sglang:max_total_num_tokens", "Maximum total number of tokens in the KV cache pool."),
        "retracted_gauge": pc.Gauge("sglang:num_retracted_reqs", "The number of retracted requests.", list(names)),
        "retracted": pc.Counter("sglang:num_retracted_requests_total", "Total number of retracted requests.", list(names)),
        "realtime": pc.Counter("sglang:realtime_tokens_total",
                               "Total number of tokens processed (updated on each log interval). mode: prefill_compute, prefill_cache, decode.",
                               list(names) + ["mode"]),
        "queue_time": pc.Histogram("sglang:queue_time_seconds", "Histogram of queueing time in seconds.", list(names), buckets=QUEUE),
    }
    if newest:
        m.update({
            "full_usage": g("sglang:full_token_usage", "The token usage for full attention layers."),
            "kv_avail": g("sglang:kv_available_tokens", "Number of free token slots in the KV cache pool."),
            "kv_evict": g("sglang:kv_evictable_tokens", "Number of evictable (radix-cached) token slots in the KV cache pool."),
            "kv_used": g("sglang:kv_used_tokens", "Number of actively used token slots in the KV cache pool."),
            "page_size": g("sglang:page_size", "KV cache page size in tokens."),
            "num_pages": g("sglang:num_pages", "Number of KV cache pages."),
            "context_len": g("sglang:context_len", "Maximum context length."),
            "utilization": g("sglang:utilization", "The utilization."),
            "routing": g("sglang:routing_key_running_req_count",
                         "Distribution of routing keys by running request count (gt < count <= le).", extra=("gt", "le")),
            "per_stage": pc.Histogram("sglang:per_stage_req_latency_seconds", "The latency of each stage of requests.",
                                      list(names) + ["stage"], buckets=STAGE),
            "cuda_graph": pc.Counter("sglang:cuda_graph_passes_total", "Total number of forward passes categorized by CUDA graph.",
                                     list(names) + ["mode"]),
        })
    return m


def tokenizer_metrics(pc, names, ttft, itl, e2e, newest):
    c = lambda n, doc, extra=(): pc.Counter(n, doc, list(names) + list(extra))
    h = lambda n, doc, b: pc.Histogram(n, doc, list(names), buckets=b)
    m = {
        "prompt": c("sglang:prompt_tokens_total", "Number of prefill tokens processed."),
        "gen": c("sglang:generation_tokens_total", "Number of generation tokens processed."),
        "cached": c("sglang:cached_tokens_total", "Number of cached prompt tokens by source (device/host/storage).",
                    ("cache_source",) if newest else ()),
        "requests": c("sglang:num_requests_total", "Number of requests processed."),
        "aborted": c("sglang:num_aborted_requests_total", "Number of requests aborted."),
        "prompt_hist": h("sglang:prompt_tokens_histogram", "Histogram of prompt token length.", TOKENS),
        "gen_hist": h("sglang:generation_tokens_histogram", "Histogram of generation token length.", TOKENS),
        "ttft": h("sglang:time_to_first_token_seconds", "Histogram of time to first token in seconds.", ttft),
        "itl": h("sglang:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", itl),
        "e2e": h("sglang:e2e_request_latency_seconds", "Histogram of End-to-end request latency in seconds", e2e),
    }
    if newest:
        m["uncached_hist"] = h("sglang:uncached_prompt_tokens_histogram", "Histogram of uncached (compute) prompt token length.", TOKENS)
    return m


def observe_itl(hist, interval, tokens):
    # SGLang adds the whole interval to _sum and counts interval/tokens once per token.
    child = hist
    child._sum.inc(interval)
    adjusted = interval / tokens
    for i, bound in enumerate(child._upper_bounds):
        if adjusted <= bound:
            child._buckets[i].inc(tokens)
            break


def requests(tm, labels, scale, newest):
    # (prompt, cached, generated, ttft, e2e, [(interval, tokens)...])
    reqs = [
        (812, 512, 128, 0.084, 2.91, [(0.021, 1)] * 40 + [(0.043, 2)] * 40 + [(0.090, 4)] * 2),
        (2310, 0, 512, 0.412, 11.7, [(0.022, 1)] * 300 + [(0.230, 10)] * 21),
        (95, 64, 16, 0.031, 0.39, [(0.019, 1)] * 15),
        (15230, 8192, 1024, 1.87, 31.4, [(0.028, 1)] * 900 + [(0.75, 41)] * 3),
        (640, 640, 256, 0.052, 5.6, [(0.021, 1)] * 255),
    ] * scale
    for prompt, cached, gen, ttft, e2e, itl in reqs:
        tm["prompt"].labels(**labels).inc(prompt)
        tm["gen"].labels(**labels).inc(gen)
        if cached:
            if newest:
                tm["cached"].labels(**labels, cache_source="device").inc(cached)
            else:
                tm["cached"].labels(**labels).inc(cached)
        tm["requests"].labels(**labels).inc()
        tm["prompt_hist"].labels(**labels).observe(prompt)
        tm["gen_hist"].labels(**labels).observe(gen)
        if newest:
            tm["uncached_hist"].labels(**labels).observe(prompt - cached)
        tm["ttft"].labels(**labels).observe(ttft)
        tm["e2e"].labels(**labels).observe(e2e)
        for interval, tokens in itl:
            observe_itl(tm["itl"].labels(**labels), interval, tokens)
    tm["aborted"].labels(**labels).inc(scale)


def scheduler_state(sm, labels, running, queued, grammar, usage, newest, priorities=None):
    prio = lambda: dict(labels, priority="") if priorities is not None else labels
    sm["running"].labels(**prio()).set(running)
    sm["queue"].labels(**prio()).set(queued)
    for p, (r, q) in (priorities or {}).items():
        sm["running"].labels(**dict(labels, priority=str(p))).set(r)
        sm["queue"].labels(**dict(labels, priority=str(p))).set(q)
    sm["grammar"].labels(**prio()).set(grammar)
    sm["gen_tp"].labels(**prio()).set(1843.6 if running else 0)
    sm["hit_rate"].labels(**prio()).set(0.0)
    sm["token_usage"].labels(**prio()).set(usage)
    sm["used"].labels(**prio()).set(int(usage * 412_896))
    sm["max_total"].labels(**prio()).set(412_896)
    sm["retracted_gauge"].labels(**prio()).set(0)
    sm["retracted"].labels(**prio()).inc(3)
    for mode, n in (("prefill_compute", 9_843), ("prefill_cache", 19_656), ("decode", 35_104)):
        sm["realtime"].labels(**prio(), mode=mode).inc(n)
    for q in (0.0004, 0.0009, 0.003, 0.012, 0.31, 1.7):
        sm["queue_time"].labels(**prio()).observe(q)
    if newest:
        sm["full_usage"].labels(**prio()).set(usage)
        sm["kv_avail"].labels(**prio()).set(int((1 - usage) * 412_896) - 90_112)
        sm["kv_evict"].labels(**prio()).set(90_112)
        sm["kv_used"].labels(**prio()).set(int(usage * 412_896))
        sm["page_size"].labels(**prio()).set(1)
        sm["num_pages"].labels(**prio()).set(412_896)
        sm["context_len"].labels(**prio()).set(131_072)
        sm["utilization"].labels(**prio()).set(0.62)
        counts = [running, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        for i, le in enumerate([str(b) for b in ROUTING_KEY_BOUNDS] + ["+Inf"]):
            gt = "0" if i == 0 else str(ROUTING_KEY_BOUNDS[i - 1])
            sm["routing"].labels(**prio(), gt=gt, le=le).set(counts[i])
        for stage, v in (("prefill_forward", 0.071), ("decode_forward", 0.019), ("tokenize", 0.0011)):
            sm["per_stage"].labels(**prio(), stage=stage).observe(v)
        sm["cuda_graph"].labels(**prio(), mode="decode_cuda_graph").inc(35_104)
        sm["cuda_graph"].labels(**prio(), mode="prefill_none").inc(17)


def write(name, build):
    tmp = tempfile.mkdtemp()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tmp
    for mod in [m for m in sys.modules if m.startswith("prometheus_client")]:
        del sys.modules[mod]
    import prometheus_client as pc
    from prometheus_client import multiprocess, values
    values.ValueClass = values.MultiProcessValue(process_identifier=lambda: 7)
    build(pc)
    registry = pc.CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(pc.generate_latest(registry))
    shutil.rmtree(tmp)


def single(pc):
    # One MI300X, TP=1, newest SGLang, default buckets.
    labels = dict(model_name=MODEL, engine_type="unified", tp_rank=0, pp_rank=0, moe_ep_rank=0)
    sm = scheduler_metrics(pc, labels, newest=True)
    tm = tokenizer_metrics(pc, ["model_name", "engine_type"], SGLANG_TTFT, SGLANG_ITL, SGLANG_E2E, newest=True)
    scheduler_state(sm, labels, running=7, queued=2, grammar=1, usage=0.4137, newest=True)
    requests(tm, dict(model_name=MODEL, engine_type="unified"), 1, newest=True)


def dp2_priority(pc):
    # DP=2 x TP=2, --enable-metrics-for-all-schedulers, priority scheduling, the
    # webhook's vLLM bucket flags, and a per-request custom label (tenant).
    names = ["model_name", "engine_type", "tp_rank", "pp_rank", "moe_ep_rank", "priority", "dp_rank"]
    sm = scheduler_metrics(pc, names, newest=True)
    tm = tokenizer_metrics(pc, ["model_name", "engine_type", "tenant"], VLLM_TTFT, VLLM_ITL, VLLM_E2E, newest=True)
    state = {0: (5, 3, 0, 0.52, {0: (4, 1), 1: (1, 2)}), 1: (6, 1, 2, 0.48, {0: (6, 1)})}
    for dp, (running, queued, grammar, usage, prio) in state.items():
        for tp in (0, 1):
            labels = dict(model_name=MODEL, engine_type="unified", tp_rank=tp, pp_rank=0, moe_ep_rank=tp, dp_rank=dp)
            scheduler_state(sm, labels, running, queued, grammar, usage, newest=True, priorities=prio)
    requests(tm, dict(model_name=MODEL, engine_type="unified", tenant="a"), 2, newest=True)
    requests(tm, dict(model_name=MODEL, engine_type="unified", tenant="b"), 1, newest=True)


def mid2025(pc):
    # An older SGLang: cache_config_info with page_size/num_pages labels and no
    # model_name, no page_size/num_pages gauges, cached_tokens_total without
    # cache_source, no uncached prompt histogram.
    labels = dict(model_name=MODEL, engine_type="unified", tp_rank=0, pp_rank=0, moe_ep_rank=0)
    sm = scheduler_metrics(pc, labels, newest=False)
    tm = tokenizer_metrics(pc, ["model_name", "engine_type"], SGLANG_TTFT, SGLANG_ITL, SGLANG_E2E, newest=False)
    info = pc.Gauge("sglang:cache_config_info", "Information about the cache configuration.",
                    ["page_size", "num_pages"], multiprocess_mode=MOSTRECENT)
    info.labels(page_size="16", num_pages="25806").set(1)
    scheduler_state(sm, labels, running=0, queued=0, grammar=0, usage=0.0, newest=False)
    requests(tm, dict(model_name=MODEL, engine_type="unified"), 1, newest=False)


# vLLM's 1-2-5 token buckets up to a 131072-token context: what the webhook
# passes as --prompt-tokens-buckets / --generation-tokens-buckets custom ...
VLLM_TOKENS_128K = [m * 10 ** e for e in range(6) for m in (1, 2, 5) if m * 10 ** e <= 131072]


def v059(pc, collect_tokens_histogram):
    # SGLang v0.5.9's tokenizer families (python/sglang/srt/metrics/collector.py,
    # created by TokenizerManager.init_metric_collector_watchdog): labels are
    # model_name plus custom and --extra-metric-labels, no engine_type; the
    # token-length histograms exist only with --collect-tokens-histogram (from
    # SGLang PR #23595 on they always exist under --enable-metrics). Buckets are
    # the webhook's vLLM ones. Scheduler families are left out: this scenario is
    # about the tokenizer's.
    labels = dict(model_name=MODEL)
    names = list(labels)
    c = lambda n, doc: pc.Counter(n, doc, names)
    h = lambda n, doc, b: pc.Histogram(n, doc, names, buckets=b)
    prompt = c("sglang:prompt_tokens_total", "Number of prefill tokens processed.")
    gen = c("sglang:generation_tokens_total", "Number of generation tokens processed.")
    ttft = h("sglang:time_to_first_token_seconds", "Histogram of time to first token in seconds.", VLLM_TTFT)
    e2e = h("sglang:e2e_request_latency_seconds", "Histogram of End-to-end request latency in seconds", VLLM_E2E)
    hists = None
    if collect_tokens_histogram:
        hists = (h("sglang:prompt_tokens_histogram", "Histogram of prompt token length.", VLLM_TOKENS_128K),
                 h("sglang:generation_tokens_histogram", "Histogram of generation token length.", VLLM_TOKENS_128K))
    for p, g, t, e in ((812, 128, 0.084, 2.91), (2310, 512, 0.412, 11.7), (95, 16, 0.031, 0.39),
                       (15230, 1024, 1.87, 31.4), (640, 256, 0.052, 5.6)):
        prompt.labels(**labels).inc(p)
        gen.labels(**labels).inc(g)
        ttft.labels(**labels).observe(t)
        e2e.labels(**labels).observe(e)
        if hists:
            hists[0].labels(**labels).observe(p)
            hists[1].labels(**labels).observe(g)


if __name__ == "__main__":
    write("sglang-single.prom", single)
    write("sglang-dp2-priority.prom", dp2_priority)
    write("sglang-mid2025.prom", mid2025)
    write("sglang-v0.5.9.prom", lambda pc: v059(pc, collect_tokens_histogram=False))
    write("sglang-v0.5.9-tokens-histogram.prom", lambda pc: v059(pc, collect_tokens_histogram=True))
