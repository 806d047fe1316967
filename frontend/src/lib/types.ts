// The types the UI works with. Everything that crosses from Go comes from Go
// (contract.gen.ts); the few below exist only in the UI.
export type {
  AppStatus,
  AttachResult,
  Attachment,
  ContextBudget,
  DocumentPreview,
  DocumentRef,
  PageImages,
  BuildInfo,
  Conversation,
  ConversationPage,
  ConversationSettings,
  ConversationSummary,
  Endpoint,
  ImportResult,
  KeySource,
  KeyStatus,
  KeyTest,
  LanguagePref,
  Message,
  MessageStatus,
  ModelList,
  Preferences,
  Price,
  PromptPreset,
  RejectedKey,
  ProxyMode,
  Region,
  SearchGroup,
  SearchHit,
  SearchPart,
  SendKey,
  Theme,
  TitleOptions,
  Turn,
  TurnError,
  Usage,
  UsageReport,
  UsageRow,
  Versions,
  ViewState,
} from './contract.gen';

/** Who wrote a message (Go sends the role as a string). */
export type Role = 'user' | 'assistant';

export type ExportFormat = 'markdown' | 'json';
