// Drives the proxy with the official openai client: /v1/models, a tool call
// with logprobs (which the proxy strips when SGLang runs the Mistral
// tool-call parser), a stream, and a request that fails validation. Prints
// one JSON object with what it saw; exits non-zero on any other error.
import OpenAI, { APIError, BadRequestError } from "openai";

const client = new OpenAI({ baseURL: process.env.PROXY_URL + "/v1", apiKey: "unused", maxRetries: 0 });

const models = await client.models.list();
const ids = models.data.map((m) => m.id);

const tools = [{
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather in a city",
    parameters: { type: "object", properties: [] }, // malformed on purpose: the proxy repairs it
  },
}];
const { data: completion, response } = await client.chat.completions.create({
  model: ids[0],
  messages: [{ role: "user", content: "Weather in Paris?" }],
  tools,
  tool_choice: "auto",
  logprobs: true,
  top_logprobs: 2,
}).withResponse();
const call = completion.choices[0].message.tool_calls?.[0];

const stream = await client.chat.completions.create({
  model: ids[0],
  messages: [{ role: "user", content: "hi" }],
  stream: true,
  stream_options: { include_usage: true },
});
let text = "";
let chunks = 0;
let usage = null;
for await (const chunk of stream) {
  chunks++;
  text += chunk.choices[0]?.delta?.content ?? "";
  if (chunk.usage) usage = chunk.usage;
}

// "messages" must be a list: SGLang rejects the request as it validates it.
// Against vLLM the SDK raises BadRequestError (status 400).
let invalid = null;
try {
  await client.chat.completions.create({ model: ids[0], messages: "hi" });
  invalid = { errorClass: "none: the request succeeded" };
} catch (e) {
  if (!(e instanceof APIError)) throw e;
  invalid = {
    errorClass: e.constructor.name,
    badRequestError: e instanceof BadRequestError,
    status: e.status,
    message: e.error?.message ?? null,
    type: e.type ?? null,
    param: e.param ?? null,
    code: e.code ?? null,
  };
}

console.log(JSON.stringify({
  models: ids,
  toolName: call?.function?.name ?? null,
  finishReason: completion.choices[0].finish_reason,
  modified: response.headers.get("x-vllm-to-sglang-modified"),
  logprobs: completion.choices[0].logprobs ?? null,
  streamText: text,
  streamChunks: chunks,
  streamUsage: usage,
  invalid,
}));
