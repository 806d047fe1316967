// Per-conversation settings as the panel edits them: which models take thinking (mirrors
// internal/qwen/models.go) and validation with the same ranges Go applies.
import type { MessageKey } from './i18n';
import type { Conversation, ConversationSettings } from './types';

/** Limits mirrored from internal/chat/conversations.go. */
export const MAX_SYSTEM_PROMPT = 20_000;
export const MAX_OUTPUT_TOKENS = 131_072;

/** QwQ, QVQ and "-thinking" variants always reason: the switch is shown on and disabled. */
export function modelThinkingOnly(model: string): boolean {
  const m = model.trim().toLowerCase();
  return m.startsWith('qwq') || m.startsWith('qvq') || m.includes('-thinking');
}

/** Whether the model reasons at all (hybrid models when asked, thinking-only ones always). */
export function modelTakesThinking(model: string): boolean {
  const m = model.trim().toLowerCase();
  if (modelThinkingOnly(m)) return true;
  if (m.includes('-instruct') || m.includes('coder')) return false;
  return ['qwen3-', 'qwen3.', 'qwen-plus', 'qwen-flash', 'qwen-turbo'].some((p) => m.startsWith(p));
}

/** How the thinking switch is shown for a model. */
export function thinkingMode(model: string): 'hidden' | 'switch' | 'always' {
  if (modelThinkingOnly(model)) return 'always';
  return modelTakesThinking(model) ? 'switch' : 'hidden';
}

/** The settings of a conversation, also for one stored before settings existed. */
export function settingsOf(c: Pick<Conversation, 'model' | 'settings'>): ConversationSettings {
  return c.settings ? { ...c.settings } : { model: c.model, systemPrompt: '' };
}

/** The panel's fields. A `null` number means "default" (sent as undefined). */
export interface SettingsForm {
  model: string;
  systemPrompt: string;
  temperature: number | null;
  topP: number | null;
  maxTokens: number | null;
  thinking: boolean;
  thinkingBudget: number | null;
  search: boolean;
  /** The MCP servers' tools are not offered in this conversation. */
  toolsOff?: boolean;
}

export function toForm(s: ConversationSettings): SettingsForm {
  return {
    model: s.model,
    systemPrompt: s.systemPrompt ?? '',
    temperature: s.temperature ?? null,
    topP: s.topP ?? null,
    maxTokens: s.maxTokens ?? null,
    thinking: s.enableThinking ?? false,
    thinkingBudget: s.thinkingBudget ?? null,
    search: s.enableSearch ?? false,
    toolsOff: s.toolsOff ?? false,
  };
}

export type SettingsField = 'model' | 'systemPrompt' | 'temperature' | 'topP' | 'maxTokens' | 'thinkingBudget';
export type SettingsErrors = Partial<Record<SettingsField, MessageKey>>;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Field errors (i18n keys); empty when the form can be saved. */
export function validate(f: SettingsForm): SettingsErrors {
  const e: SettingsErrors = {};
  const model = f.model.trim();
  if (!model || model.length > 128 || /[^\x21-\x7e]/.test(model)) e.model = 'conv.err.model';
  if ([...f.systemPrompt.trim()].length > MAX_SYSTEM_PROMPT) e.systemPrompt = 'conv.err.systemPrompt';
  if (f.temperature !== null && !(isNum(f.temperature) && f.temperature >= 0 && f.temperature < 2)) e.temperature = 'conv.err.temperature';
  if (f.topP !== null && !(isNum(f.topP) && f.topP > 0 && f.topP <= 1)) e.topP = 'conv.err.topP';
  const tokens = (v: number | null) => v === null || (isNum(v) && Number.isInteger(v) && v >= 1 && v <= MAX_OUTPUT_TOKENS);
  if (!tokens(f.maxTokens)) e.maxTokens = 'conv.err.maxTokens';
  if (thinkingMode(model) !== 'hidden' && !tokens(f.thinkingBudget)) e.thinkingBudget = 'conv.err.thinkingBudget';
  return e;
}

/**
 * What to send to Go. Switches the model does not offer are left out; a switch the user left
 * off stays "default" when it was never set.
 */
export function fromForm(f: SettingsForm, before: ConversationSettings): ConversationSettings {
  const model = f.model.trim();
  const mode = thinkingMode(model);
  const out: ConversationSettings = { model, systemPrompt: f.systemPrompt.trim() };
  if (f.temperature !== null) out.temperature = f.temperature;
  if (f.topP !== null) out.topP = f.topP;
  if (f.maxTokens !== null) out.maxTokens = f.maxTokens;
  if (mode === 'switch' && (f.thinking || before.enableThinking !== undefined)) out.enableThinking = f.thinking;
  if (mode !== 'hidden' && f.thinkingBudget !== null) out.thinkingBudget = f.thinkingBudget;
  if (f.search || before.enableSearch !== undefined) out.enableSearch = f.search;
  if (f.toolsOff) out.toolsOff = true;
  return out;
}
