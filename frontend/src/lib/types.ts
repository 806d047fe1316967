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

export type MessageStatus = 'complete' | 'streaming' | 'stopped' | 'error' | 'truncated';

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
  messages: Message[];
}

export interface Turn {
  requestId: string;
  conversationId: string;
  userMessageId: string;
  assistantMessageId: string;
}
