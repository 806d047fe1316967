// Code generated from the Go side (contract.go) by `make bindings`. DO NOT EDIT.
// The types, bound methods, events and error kinds that cross between Go and the webview.

/** Go: secrets.Source */
export type KeySource = "" | "keychain" | "env:DASHSCOPE_API_KEY" | "env:API_KEY" | "dotenv";

/** Go: chat.Status */
export type MessageStatus = "streaming" | "complete" | "stopped" | "error" | "truncated" | "incomplete";

/** Go: settings.Theme */
export type Theme = "system" | "light" | "dark";

/** Go: settings.Language */
export type LanguagePref = "system" | "en" | "zh";

/** Go: settings.SendKey */
export type SendKey = "enter" | "mod-enter";

/** Go: settings.ProxyMode */
export type ProxyMode = "system" | "none" | "custom";

/** Go: chat.ConversationSettings */
export interface ConversationSettings {
  model: string;
  systemPrompt: string;
  temperature?: number | null;
  topP?: number | null;
  maxTokens?: number | null;
  enableThinking?: boolean | null;
  thinkingBudget?: number | null;
  enableSearch?: boolean | null;
}

/** Go: chat.Turn */
export interface Turn {
  requestId: string;
  conversationId: string;
  userMessageId: string;
  assistantMessageId: string;
}

/** Go: chat.Conversation */
export interface Conversation {
  id: string;
  title: string;
  model: string;
  pinned: boolean;
  settings: ConversationSettings;
  messages: Message[];
}

/** Go: secrets.Status */
export interface KeyStatus {
  hasKey: boolean;
  source: KeySource;
  last4: string;
  keychainAvailable: boolean;
  keychainProblem: string;
  dotEnvPath: string;
  envKeyPresent: boolean;
  rejected: RejectedKey[];
}

/** Go: main.ImportResult */
export interface ImportResult {
  conversations: number;
  messages: number;
  renamed: number;
  cancelled: boolean;
}

/** Go: chat.ConversationSummary */
export interface ConversationSummary {
  id: string;
  title: string;
  model: string;
  pinned: boolean;
  titleAuto: boolean;
  createdAt: string;
  updatedAt: string;
  messageCount: number;
}

/** Go: main.ModelList */
export interface ModelList {
  models: string[];
  live: boolean;
  problem: string;
}

/** Go: pricing.Price */
export interface Price {
  model: string;
  input: number;
  output: number;
  cachedInput: number;
}

/** Go: settings.PromptPreset */
export interface PromptPreset {
  name: string;
  prompt: string;
}

/** Go: store.SearchGroup */
export interface SearchGroup {
  conversationId: string;
  title: string;
  updatedAt: string;
  titleMatch: SearchPart[] | null;
  hits: SearchHit[];
}

/** Go: main.Endpoint */
export interface Endpoint {
  region: string;
  baseURL: string;
  overriddenByEnv: boolean;
}

/** Go: settings.Preferences */
export interface Preferences {
  theme: Theme;
  language: LanguagePref;
  fontSize: number;
  sendKey: SendKey;
  proxyMode: ProxyMode;
  proxyURL: string;
}

/** Go: chat.TitleOptions */
export interface TitleOptions {
  enabled: boolean;
  model: string;
}

/** Go: main.AppStatus */
export interface AppStatus {
  key: KeyStatus;
  endpoint: Endpoint;
  regions: Region[];
  model: string;
  dataDir: string;
  build: BuildInfo;
  problems: string[];
  titles: TitleOptions;
  preferences: Preferences;
  prices: Price[];
}

/** Go: main.KeyTest */
export interface KeyTest {
  ok: boolean;
  kind: string;
  message: string;
  requestId: string;
}

/** Go: main.UsageReport */
export interface UsageReport {
  from: string;
  to: string;
  currency: string;
  rows: UsageRow[];
}

/** Go: settings.View */
export interface ViewState {
  conversationId: string;
  scrollTop: number;
}

/** Go: chat.DeltaEvent */
export interface DeltaEvent {
  requestId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  content: string;
  reasoning: string;
}

/** Go: chat.DoneEvent */
export interface DoneEvent {
  requestId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  status: MessageStatus;
  finishReason: string;
  usage?: Usage | null;
}

/** Go: chat.ErrorEvent */
export interface ErrorEvent {
  requestId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  status: MessageStatus;
  kind: string;
  message: string;
  requestIdFromServer: string;
}

/** Go: chat.RetryEvent */
export interface RetryEvent {
  requestId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  attempt: number;
  delayMs: number;
  kind: string;
}

/** Go: chat.ToolEvent */
export interface ToolEvent {
  requestId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  callId: string;
  name: string;
  server: string;
  tool: string;
  arguments: string;
  state: string;
  outcome?: string;
  result?: string;
  resultCut: boolean;
  truncated: boolean;
  durationMs: number;
  step: number;
  index: number;
  textOffset: number;
}

/** Go: chat.ConversationsChangedEvent */
export interface ConversationsChangedEvent {
  conversationId: string;
  reason: string;
}

/** Go: chat.Message */
export interface Message {
  id: string;
  role: string;
  content: string;
  reasoning: string;
  status: MessageStatus;
  finishReason: string;
  usage?: Usage | null;
  error?: TurnError | null;
  versions?: Versions | null;
  images?: string[];
  toolCalls?: ToolCall[];
  model: string;
  createdAt: string;
}

/** Go: secrets.RejectedKey */
export interface RejectedKey {
  source: KeySource;
  name: string;
  path: string;
  reason: string;
}

/** Go: store.SearchPart */
export interface SearchPart {
  text: string;
  match: boolean;
}

/** Go: store.SearchHit */
export interface SearchHit {
  conversationId: string;
  messageId: string;
  inToolResult: boolean;
  toolCallId?: string;
  role: string;
  snippet: SearchPart[];
  createdAt: string;
}

/** Go: qwen.Region */
export interface Region {
  id: string;
  name: string;
  baseURL: string;
}

/** Go: buildinfo.Info */
export interface BuildInfo {
  product: string;
  version: string;
  commit: string;
  commitTime: string;
  modified: boolean;
  goVersion: string;
  wails: string;
  platform: string;
  summary: string;
}

/** Go: main.UsageRow */
export interface UsageRow {
  day: string;
  model: string;
  replies: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  cost: number | null;
}

/** Go: qwen.Usage */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: PromptTokensDetails | null;
  completion_tokens_details?: CompletionTokensDetails | null;
}

/** Go: chat.TurnError */
export interface TurnError {
  kind: string;
  message: string;
  requestIdFromServer: string;
}

/** Go: chat.Versions */
export interface Versions {
  index: number;
  count: number;
  ids: string[];
}

/** Go: store.ToolCall */
export interface ToolCall {
  messageId: string;
  callId: string;
  step: number;
  index: number;
  textOffset: number;
  apiName: string;
  server: string;
  tool: string;
  arguments: string;
  state: string;
  outcome: string;
  result: string;
  truncated: boolean;
  durationMs: number;
  createdAt: string;
  updatedAt: string;
}

/** Go: qwen.PromptTokensDetails */
export interface PromptTokensDetails {
  cached_tokens: number;
}

/** Go: qwen.CompletionTokensDetails */
export interface CompletionTokensDetails {
  reasoning_tokens: number;
}

/** The methods Go binds on window.go.main.App. */
export interface BoundApp {
  Compare(conversationID: string, text: string, columns: ConversationSettings[]): Promise<Turn[]>;
  ContinueReply(conversationID: string, replyID: string): Promise<Turn>;
  Conversation(id: string): Promise<Conversation>;
  DeleteConversation(id: string): Promise<void>;
  DeleteKey(): Promise<KeyStatus>;
  DeleteMessage(conversationID: string, messageID: string): Promise<Conversation>;
  EditMessage(conversationID: string, messageID: string, text: string): Promise<Turn>;
  ExportConversations(ids: string[], format: string): Promise<string>;
  ImportConversations(): Promise<ImportResult>;
  ListConversations(): Promise<ConversationSummary[]>;
  Models(): Promise<ModelList>;
  NewConversation(): Promise<Conversation>;
  PickReply(conversationID: string, replyID: string): Promise<Conversation>;
  PinConversation(id: string, pinned: boolean): Promise<void>;
  Prices(): Promise<Price[]>;
  PromptPresets(): Promise<PromptPreset[]>;
  Regenerate(conversationID: string, replyID: string): Promise<Turn>;
  RenameConversation(id: string, title: string): Promise<void>;
  RestoreConversation(id: string): Promise<void>;
  RevealDataFolder(): Promise<void>;
  SaveFile(kind: string, name: string, content: string): Promise<string>;
  SaveKey(key: string): Promise<KeyStatus>;
  SaveViewState(conversationID: string, scrollTop: number): Promise<void>;
  Search(query: string): Promise<SearchGroup[]>;
  SelectVersion(conversationID: string, messageID: string): Promise<Conversation>;
  Send(conversationID: string, text: string): Promise<Turn>;
  SendWithImages(conversationID: string, text: string, images: string[]): Promise<Turn>;
  SetEndpoint(region: string, customURL: string): Promise<Endpoint>;
  SetModel(model: string): Promise<string>;
  SetPreferences(p: Preferences): Promise<Preferences>;
  SetPrices(prices: Price[]): Promise<Price[]>;
  SetPromptPresets(presets: PromptPreset[]): Promise<PromptPreset[]>;
  SetTitleOptions(enabled: boolean, model: string): Promise<TitleOptions>;
  Status(): Promise<AppStatus>;
  Stop(requestID: string): Promise<void>;
  TestKey(key: string): Promise<KeyTest>;
  UpdateConversationSettings(conversationID: string, settings: ConversationSettings): Promise<ConversationSettings>;
  Usage(days: number): Promise<UsageReport>;
  ViewState(): Promise<ViewState>;
}

export const EV_DELTA = "chat:delta";
export const EV_DONE = "chat:done";
export const EV_ERROR = "chat:error";
export const EV_RETRY = "chat:retry";
export const EV_TOOL = "chat:tool";
export const EV_CONVERSATIONS_CHANGED = "conversations:changed";

/** Each event's payload. */
export interface EventPayloads {
  [EV_DELTA]: DeltaEvent;
  [EV_DONE]: DoneEvent;
  [EV_ERROR]: ErrorEvent;
  [EV_RETRY]: RetryEvent;
  [EV_TOOL]: ToolEvent;
  [EV_CONVERSATIONS_CHANGED]: ConversationsChangedEvent;
}

/** Every error kind Go can report. */
export const ERROR_KINDS = [
  "invalid_input",
  "not_found",
  "busy",
  "no_key",
  "internal",
  "storage",
  "starting",
  "keychain",
  "permission",
  "export",
  "import",
  "startup",
  "tool_limit",
  "auth",
  "access_denied",
  "billing",
  "rate_limit",
  "quota",
  "moderation",
  "bad_request",
  "model_not_found",
  "server",
  "network",
  "timeout",
  "truncated",
  "bad_response",
] as const;
