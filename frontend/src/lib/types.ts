// Mirrors of the Go types the bound methods return (JSON field names as Go emits them).

export type KeySource = '' | 'keychain' | 'env:DASHSCOPE_API_KEY' | 'env:API_KEY' | 'dotenv';

export interface KeyStatus {
  hasKey: boolean;
  source: KeySource;
  last4: string;
  keychainAvailable: boolean;
  keychainProblem: string;
  dotEnvPath: string;
  envKeyPresent: boolean;
  /** Keys set in the environment or a .env file that were passed over, and why. */
  rejected: RejectedKey[];
}

/** A set DASHSCOPE_API_KEY / API_KEY (or .env entry) that cannot be a key; never its value. */
export interface RejectedKey {
  source: KeySource;
  name: string;
  /** The .env file, when source is 'dotenv'. */
  path: string;
  /** Why: 'empty', 'multiline', 'invalid_chars', 'too_long', 'too_short', 'wrong_prefix'. */
  reason: string;
}

export interface Region {
  id: string;
  name: string;
  baseURL: string;
}

export interface Endpoint {
  /** A region id, or 'custom'. */
  region: string;
  baseURL: string;
  overriddenByEnv: boolean;
}

export interface BuildInfo {
  product: string;
  /** From the git tag at build time; "dev" for an unstamped build. */
  version: string;
  commit: string;
  commitTime: string;
  modified: boolean;
  goVersion: string;
  wails: string;
  platform: string;
}

export interface AppStatus {
  key: KeyStatus;
  endpoint: Endpoint;
  regions: Region[];
  model: string;
  dataDir: string;
  /** Version, commit and toolchain of the running build (About dialog, bug reports). */
  build: BuildInfo;
  /** Start-up problems the app worked around (a damaged settings file, an ignored DASHSCOPE_BASE_URL). */
  problems: string[];
  /** Automatic conversation titles. */
  titles: TitleOptions;
  /** Appearance, language, send key and proxy; applied before the first paint. */
  preferences?: Preferences;
  /** The price table that turns token counts into estimated costs. */
  prices?: Price[];
}

export type Theme = 'system' | 'light' | 'dark';
export type LanguagePref = 'system' | 'en' | 'zh';
export type SendKey = 'enter' | 'mod-enter';
export type ProxyMode = 'system' | 'none' | 'custom';

export interface Preferences {
  theme: Theme;
  language: LanguagePref;
  /** Message text size in px, 12..22. */
  fontSize: number;
  sendKey: SendKey;
  /** 'system' uses HTTPS_PROXY / NO_PROXY from the environment. */
  proxyMode: ProxyMode;
  proxyURL: string;
}

/** CNY per million tokens. `model` is an exact id or a prefix ending in '*' (e.g. 'qwen-plus*'). */
export interface Price {
  model: string;
  input: number;
  output: number;
  cachedInput: number;
}

/** One day × model of token usage; `cost` is null when no price matches the model. */
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

/** `from`/`to` are local YYYY-MM-DD dates, inclusive. */
export interface UsageReport {
  from: string;
  to: string;
  currency: string;
  rows: UsageRow[];
}

export interface TitleOptions {
  enabled: boolean;
  model: string;
}

/** A named system prompt. */
export interface PromptPreset {
  name: string;
  prompt: string;
}

export interface KeyTest {
  ok: boolean;
  kind: string;
  message: string;
  requestId: string;
}

export interface ModelList {
  models: string[];
  live: boolean;
  problem: string;
}

export interface ModelInfo {
  model: string;
  baseURL: string;
  region: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

export interface TurnError {
  kind: string;
  message: string;
  requestIdFromServer: string;
}

/** `incomplete`: the app closed (or crashed) while the reply was streaming; the text received is kept. */
export type MessageStatus = 'complete' | 'streaming' | 'stopped' | 'error' | 'truncated' | 'incomplete';

export type Role = 'user' | 'assistant';

export interface Message {
  id: string;
  role: Role;
  content: string;
  reasoning: string;
  status: MessageStatus;
  finishReason: string;
  usage?: Usage;
  error?: TurnError;
  model: string;
  createdAt: string;
  /** Present only when the message has siblings (regenerated replies, edited questions). */
  versions?: Versions;
  /** data: URLs attached to a user message (vision models). */
  images?: string[];
}

/** A message's siblings of the same role, oldest first; `index` is 0-based. */
export interface Versions {
  index: number;
  count: number;
  ids: string[];
}

/** A conversation's own model and parameters; an absent number or switch means the model's default. */
export interface ConversationSettings {
  model: string;
  systemPrompt: string;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  enableThinking?: boolean;
  thinkingBudget?: number;
  enableSearch?: boolean;
}

export interface Conversation {
  id: string;
  title: string;
  model: string;
  pinned: boolean;
  /** Go always sends it; absent only in data from before per-conversation settings. */
  settings?: ConversationSettings;
  messages: Message[];
}

/** One row of the sidebar, as ListConversations returns it (pinned first, then newest first). */
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

/** A piece of a search snippet; `match` pieces are highlighted. */
export interface SearchPart {
  text: string;
  match: boolean;
}

export interface SearchHit {
  conversationId: string;
  messageId: string;
  role: string;
  snippet: SearchPart[];
  createdAt: string;
}

export interface SearchGroup {
  conversationId: string;
  title: string;
  updatedAt: string;
  titleMatch: SearchPart[] | null;
  hits: SearchHit[];
}

export type ExportFormat = 'markdown' | 'json';

export interface ImportResult {
  conversations: number;
  messages: number;
  renamed: number;
  cancelled: boolean;
}

/** What was open when the app last closed. */
export interface ViewState {
  conversationId: string;
  scrollTop: number;
}

export interface Turn {
  requestId: string;
  conversationId: string;
  userMessageId: string;
  assistantMessageId: string;
}
