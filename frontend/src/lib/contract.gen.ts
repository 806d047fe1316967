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

/** Go: store.Phase */
export type StartupPhase = "checking" | "backup" | "migrating";

/** Go: tools.State */
export type ToolServerState = "starting" | "ready" | "failed" | "stopped" | "disabled" | "removed";

/** Go: tools.Decision */
export type ToolDecision = "allow_once" | "always_allow" | "deny";

/** Go: tools.ServerStatus */
export interface ServerStatus {
  name: string;
  transport: string;
  state: ToolServerState;
  reason?: string;
  stderr?: string;
  stdout?: string;
  command?: string;
  tools: ToolInfo[];
  timeout?: number;
}

/** Go: tools.ServerInput */
export interface ServerInput {
  name: string;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  url?: string;
  sse?: boolean;
  headers?: HeaderInput[];
  timeout?: number;
}

/** Go: main.AttachResult */
export interface AttachResult {
  name: string;
  document?: Attachment | null;
  image?: string;
  error?: UserFacingError | null;
}

/** Go: main.ContextBudget */
export interface ContextBudget {
  window: ContextWindow;
  usedTokens: number;
  uploadModel: string;
}

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
  toolsOff?: boolean;
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
  earlier?: number;
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

/** Go: main.PageImages */
export interface PageImages {
  images: string[];
  totalPages: number;
}

/** Go: main.ImportResult */
export interface ImportResult {
  conversations: number;
  messages: number;
  renamed: number;
  cancelled: boolean;
}

/** Go: chat.ConversationPage */
export interface ConversationPage {
  conversations: ConversationSummary[];
  next: string;
}

/** Go: main.ModelList */
export interface ModelList {
  models: string[];
  live: boolean;
  problem: string;
}

/** Go: tools.ApprovalRequest */
export interface ApprovalRequest {
  requestId: string;
  conversationId: string;
  messageId: string;
  callId: string;
  apiName: string;
  server: string;
  tool: string;
  title?: string;
  description: string;
  arguments: string;
  readOnly: boolean;
}

/** Go: main.DocumentPreview */
export interface DocumentPreview {
  text: string;
  chars: number;
  shortened: boolean;
}

/** Go: tools.CommandPreview */
export interface CommandPreview {
  name: string;
  path: string;
  args: string[];
  cwd: string;
  line: string;
  envSet: string[];
  removed: string[];
  url?: string;
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

/** Go: tools.ConfigState */
export interface ConfigState {
  path: string;
  problem?: ToolsProblem | null;
}

/** Go: store.SearchGroup */
export interface SearchGroup {
  conversationId: string;
  title: string;
  updatedAt: string;
  titleMatch: SearchPart[] | null;
  hits: SearchHit[];
}

/** Go: main.DocumentRef */
export interface DocumentRef {
  hash: string;
  name: string;
  mode: string;
  maxTokens?: number;
  fileId?: string;
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

/** Go: main.StartupState */
export interface StartupState {
  ready: boolean;
  failed: string;
  version: string;
  progress: StartupProgress;
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

/** Go: main.ToolsOverview */
export interface ToolsOverview {
  config: ConfigState;
  servers: ServerStatus[];
}

/** Go: store.Attachment */
export interface Attachment {
  hash: string;
  name: string;
  mode: string;
  maxTokens?: number;
  fileId?: string;
  type: string;
  encoding?: string;
  pages?: number;
  sheets?: number;
  chars: number;
  tokens: number;
  noTextLayer?: boolean;
  truncated?: boolean;
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

/** Go: main.ToolApprovalEvent */
export interface ToolApprovalEvent {
  requestId: string;
  conversationId: string;
  messageId: string;
  callId: string;
  apiName: string;
  server: string;
  tool: string;
  title?: string;
  description: string;
  arguments: string;
  readOnly: boolean;
  pending: boolean;
  decision?: ToolDecision;
}

/** Go: tools.ToolInfo */
export interface ToolInfo {
  apiName: string;
  name: string;
  title?: string;
  description: string;
  enabled: boolean;
  autoApproved: boolean;
  readOnly: boolean;
}

/** Go: tools.HeaderInput */
export interface HeaderInput {
  name: string;
  value: string;
}

/** Go: main.UserFacingError */
export interface UserFacingError {
  kind: string;
  message: string;
}

/** Go: qwen.ContextWindow */
export interface ContextWindow {
  model: string;
  tokens: number;
  family: string;
  known: boolean;
  replyReserve: number;
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
  documents?: Attachment[];
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

/** Go: tools.Error */
export interface ToolsProblem {
  kind: string;
  message: string;
  line?: number;
  column?: number;
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
  inDocument?: boolean;
  documentName?: string;
  documentPart?: string;
  role: string;
  snippet: SearchPart[];
  createdAt: string;
}

/** Go: store.Progress */
export interface StartupProgress {
  phase: StartupPhase;
  fromVersion: number;
  toVersion: number;
  version: number;
  step: string;
  done: number;
  total: number;
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
  AddPastedToolServers(text: string, name: string): Promise<ServerStatus[]>;
  AddToolServer(server: ServerInput): Promise<ServerStatus>;
  AnswerToolApproval(requestID: string, callID: string, decision: string): Promise<void>;
  AttachData(name: string, data: string): Promise<AttachResult>;
  AttachFiles(): Promise<AttachResult[]>;
  Budget(conversationID: string, model: string): Promise<ContextBudget>;
  Compare(conversationID: string, text: string, columns: ConversationSettings[]): Promise<Turn[]>;
  ContinueReply(conversationID: string, replyID: string): Promise<Turn>;
  Conversation(id: string): Promise<Conversation>;
  ConversationLatest(id: string, limit: number): Promise<Conversation>;
  DeleteConversation(id: string): Promise<void>;
  DeleteKey(): Promise<KeyStatus>;
  DeleteMessage(conversationID: string, messageID: string): Promise<Conversation>;
  DocumentPagesAsImages(hash: string, maxPages: number): Promise<PageImages>;
  EditMessage(conversationID: string, messageID: string, text: string): Promise<Turn>;
  EditToolServer(name: string, server: ServerInput): Promise<ServerStatus>;
  ExportConversations(ids: string[], format: string): Promise<string>;
  ImportConversations(): Promise<ImportResult>;
  ListConversations(cursor: string, limit: number): Promise<ConversationPage>;
  Models(): Promise<ModelList>;
  NewConversation(): Promise<Conversation>;
  PendingToolApprovals(): Promise<ApprovalRequest[]>;
  PickReply(conversationID: string, replyID: string): Promise<Conversation>;
  PinConversation(id: string, pinned: boolean): Promise<void>;
  PreviewDocument(hash: string, name: string): Promise<DocumentPreview>;
  PreviewPastedToolServers(text: string, name: string): Promise<CommandPreview[]>;
  PreviewToolServer(server: ServerInput): Promise<CommandPreview>;
  Prices(): Promise<Price[]>;
  PromptPresets(): Promise<PromptPreset[]>;
  Regenerate(conversationID: string, replyID: string): Promise<Turn>;
  ReloadToolsConfig(): Promise<ConfigState>;
  RemoveToolServer(name: string): Promise<void>;
  RenameConversation(id: string, title: string): Promise<void>;
  ReplaceBrokenToolsConfig(): Promise<string>;
  RestartToolServer(name: string): Promise<ServerStatus>;
  RestoreConversation(id: string): Promise<void>;
  RevealDataFolder(): Promise<void>;
  SaveFile(kind: string, name: string, content: string): Promise<string>;
  SaveKey(key: string): Promise<KeyStatus>;
  SaveViewState(conversationID: string, scrollTop: number): Promise<void>;
  Search(query: string): Promise<SearchGroup[]>;
  SelectVersion(conversationID: string, messageID: string): Promise<Conversation>;
  Send(conversationID: string, text: string): Promise<Turn>;
  SendWithAttachments(conversationID: string, text: string, images: string[], documents: DocumentRef[]): Promise<Turn>;
  SendWithImages(conversationID: string, text: string, images: string[]): Promise<Turn>;
  SetEndpoint(region: string, customURL: string): Promise<Endpoint>;
  SetModel(model: string): Promise<string>;
  SetPreferences(p: Preferences): Promise<Preferences>;
  SetPrices(prices: Price[]): Promise<Price[]>;
  SetPromptPresets(presets: PromptPreset[]): Promise<PromptPreset[]>;
  SetTitleOptions(enabled: boolean, model: string): Promise<TitleOptions>;
  SetToolAutoApprove(server: string, tool: string, on: boolean): Promise<ServerStatus>;
  SetToolEnabled(server: string, tool: string, enabled: boolean): Promise<ServerStatus>;
  SetToolServerEnabled(name: string, enabled: boolean): Promise<ServerStatus>;
  Startup(): Promise<StartupState>;
  Status(): Promise<AppStatus>;
  Stop(requestID: string): Promise<void>;
  TestKey(key: string): Promise<KeyTest>;
  ToolServerInput(name: string): Promise<ServerInput>;
  ToolsOverview(): Promise<ToolsOverview>;
  UpdateConversationSettings(conversationID: string, settings: ConversationSettings): Promise<ConversationSettings>;
  UploadDocument(hash: string, name: string): Promise<Attachment>;
  Usage(days: number): Promise<UsageReport>;
  ViewState(): Promise<ViewState>;
}

export const EV_DELTA = "chat:delta";
export const EV_DONE = "chat:done";
export const EV_ERROR = "chat:error";
export const EV_RETRY = "chat:retry";
export const EV_TOOL = "chat:tool";
export const EV_CONVERSATIONS_CHANGED = "conversations:changed";
export const EV_STARTUP = "app:startup";
export const EV_READY = "app:ready";
export const EV_TOOL_APPROVAL = "tool:approval";
export const EV_TOOLS_STATUS = "tools:status";

/** Each event's payload. */
export interface EventPayloads {
  [EV_DELTA]: DeltaEvent;
  [EV_DONE]: DoneEvent;
  [EV_ERROR]: ErrorEvent;
  [EV_RETRY]: RetryEvent;
  [EV_TOOL]: ToolEvent;
  [EV_CONVERSATIONS_CHANGED]: ConversationsChangedEvent;
  [EV_STARTUP]: StartupState;
  [EV_READY]: StartupState;
  [EV_TOOL_APPROVAL]: ToolApprovalEvent;
  [EV_TOOLS_STATUS]: ServerStatus;
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
  "superseded",
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
  "mcp_config_broken",
  "mcp_invalid",
  "mcp_unknown_server",
  "mcp_unknown_tool",
  "mcp_exists",
  "mcp_command_not_found",
  "mcp_keychain",
  "mcp_io",
  "mcp_closed",
  "doc_encrypted",
  "doc_corrupt",
  "doc_empty",
  "doc_too_large",
  "doc_unsupported",
  "doc_disguised",
  "doc_timeout",
  "doc_too_much_data",
  "doc_not_pdf",
] as const;
