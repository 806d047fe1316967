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

export interface AppStatus {
  key: KeyStatus;
  endpoint: Endpoint;
  regions: Region[];
  model: string;
  dataDir: string;
  version: string;
  /** Start-up problems the app worked around (a damaged settings file, an ignored DASHSCOPE_BASE_URL). */
  problems: string[];
  /** Automatic conversation titles. */
  titles: TitleOptions;
}

export interface TitleOptions {
  enabled: boolean;
  model: string;
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
}

export interface Conversation {
  id: string;
  title: string;
  model: string;
  pinned: boolean;
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
