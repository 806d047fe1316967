// Tool calls in answers, approval cards and Settings → Tools, over the recording fake backend.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import MessageBubble from '../src/components/MessageBubble.svelte';
import ToolsSection from '../src/components/settings/ToolsSection.svelte';
import ToolCallBlock from '../src/components/tools/ToolCallBlock.svelte';
import { ChatStore, type UIMessage } from '../src/lib/chat.svelte';
import type { CommandPreview, ServerStatus, ToolApprovalEvent, ToolEvent, ToolsOverview } from '../src/lib/contract.gen';
import { EV_DONE, EV_DELTA, EV_TOOL, EV_TOOL_APPROVAL, EV_TOOLS_STATUS } from '../src/lib/events';
import { byteToIndex, segments, type UIToolCall } from '../src/lib/toolCalls';
import { ToolsStore } from '../src/lib/tools.svelte';
import { fakeBackend } from './fakes';

const tick = () => new Promise((r) => setTimeout(r, 0));
afterEach(() => cleanup());

const XSS = '<img src=x onerror=alert(1)>';

function call(over: Partial<UIToolCall> = {}): UIToolCall {
  return {
    messageId: 'a1',
    callId: 'call_1',
    step: 0,
    index: 0,
    textOffset: 0,
    apiName: 'filesystem__read_text_file',
    server: 'filesystem',
    tool: 'read_text_file',
    arguments: '{"path":"/tmp/notes.txt"}',
    state: 'done',
    outcome: 'ok',
    result: 'line one',
    truncated: false,
    durationMs: 42,
    createdAt: '',
    updatedAt: '',
    ...over,
  };
}

function approval(over: Partial<ToolApprovalEvent> = {}): ToolApprovalEvent {
  return {
    requestId: 'r1',
    conversationId: 'c1',
    messageId: 'a1',
    callId: 'call_1',
    apiName: 'filesystem__read_text_file',
    server: 'filesystem',
    tool: 'read_text_file',
    description: 'Reads a file',
    arguments: '{\n  "path": "/tmp/notes.txt"\n}',
    readOnly: true,
    pending: true,
    ...over,
  };
}

describe('tool call block', () => {
  it('shows a result with markup as text: no element is made from it', async () => {
    const { container } = render(ToolCallBlock, { call: call({ result: `${XSS}\n<script>alert(2)</script>`, arguments: `{"q":"${XSS.replace(/"/g, '')}"}` }) });
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(screen.getByTestId('tool-call-result').textContent).toContain(XSS);
    await fireEvent.click(screen.getByTestId('tool-call-toggle'));
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByTestId('tool-call-args').textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('shows tool, server, duration and outcome; a long result is cut to its first lines until expanded', async () => {
    const long = Array.from({ length: 20 }, (_, i) => `row ${i + 1}`).join('\n');
    render(ToolCallBlock, { call: call({ result: long }) });
    const block = screen.getByRole('group', { name: 'Tool call read_text_file on filesystem' });
    expect(block.textContent).toContain('read_text_file');
    expect(block.textContent).toContain('on filesystem');
    expect(block.textContent).toContain('42 ms');
    expect(block.textContent).toContain('Done');
    expect(screen.getByTestId('tool-call-result').textContent).not.toContain('row 5');
    await fireEvent.click(screen.getByRole('button', { name: 'Details' }));
    expect(screen.getByTestId('tool-call-result').textContent).toContain('row 20');
    expect(screen.getByTestId('tool-call-args').textContent).toContain('"path": "/tmp/notes.txt"');
  });

  it('says a declined call was declined', () => {
    render(ToolCallBlock, { call: call({ outcome: 'denied', result: 'The user declined to run it.' }) });
    expect(screen.getByRole('status').textContent).toBe('Declined');
  });
});

describe('tool calls in the answer', () => {
  it('places each step’s calls at their byte offset, counting multi-byte text right', () => {
    const content = '先读文件。Then the answer.';
    const at = new TextEncoder().encode('先读文件。').length; // 15 bytes, 5 UTF-16 units
    expect(byteToIndex(content, at)).toBe(5);
    const parts = segments(content, [call({ textOffset: at })]);
    expect(parts.map((p) => (p.kind === 'text' ? p.text : 'CALLS'))).toEqual(['先读文件。', 'CALLS', 'Then the answer.']);
  });

  it('an approval card in the answer calls back with the decision of each button', async () => {
    const onAnswer = vi.fn();
    const message: UIMessage = {
      id: 'a1',
      role: 'assistant',
      content: 'Let me look.',
      reasoning: '',
      status: 'streaming',
      finishReason: '',
      model: 'qwen-plus',
      createdAt: '',
      toolCalls: [call({ state: 'running', outcome: '', result: '', textOffset: 12 })],
    };
    const card = approval();
    render(MessageBubble, { message, approvals: [card, approval({ messageId: 'other', callId: 'x' })], onAnswerApproval: onAnswer });
    const cards = screen.getAllByTestId('tool-approval');
    expect(cards).toHaveLength(1); // only this reply's
    const c = within(cards[0]);
    expect(c.getByText('Run read_text_file from filesystem?')).toBeTruthy();
    expect(c.getByTestId('tool-approval-args').textContent).toBe(card.arguments);
    const allow = c.getByRole('button', { name: 'Allow once' });
    allow.focus();
    expect(document.activeElement).toBe(allow); // reachable from the keyboard
    await fireEvent.click(allow);
    expect(onAnswer).toHaveBeenCalledWith(card, 'allow_once');
    await fireEvent.click(c.getByRole('button', { name: 'Deny' }));
    expect(onAnswer).toHaveBeenCalledTimes(1); // a card answers once
  });

  it('Always allow and Deny send their decisions', async () => {
    for (const [name, decision] of [
      ['Always allow this tool', 'always_allow'],
      ['Deny', 'deny'],
    ] as const) {
      const onAnswer = vi.fn();
      const message: UIMessage = { id: 'a1', role: 'assistant', content: '', reasoning: '', status: 'streaming', finishReason: '', model: '', createdAt: '' };
      render(MessageBubble, { message, approvals: [approval()], onAnswerApproval: onAnswer });
      await fireEvent.click(screen.getByRole('button', { name }));
      expect(onAnswer).toHaveBeenCalledWith(expect.objectContaining({ callId: 'call_1' }), decision);
      cleanup();
    }
  });
});

describe('chat store and tool events', () => {
  function setup() {
    const fb = fakeBackend();
    const answerToolApproval = vi.fn(async () => {});
    const pendingToolApprovals = vi.fn(async () => [] as ToolApprovalEvent[]);
    const api = Object.assign(fb.api, { answerToolApproval, pendingToolApprovals });
    const chat = new ChatStore(api, { model: () => 'qwen-plus', schedule: (fn) => fn() });
    chat.start();
    return { ...fb, chat, answerToolApproval };
  }
  const ev = (seq: number, over: Partial<ToolEvent>): ToolEvent => ({
    requestId: 'r1',
    conversationId: 'c1',
    messageId: 'a1',
    seq,
    callId: 'call_1',
    name: 'filesystem__read_text_file',
    server: 'filesystem',
    tool: 'read_text_file',
    arguments: '',
    state: 'requested',
    resultCut: false,
    truncated: false,
    durationMs: 0,
    step: 0,
    index: 0,
    textOffset: 0,
    ...over,
  });

  it('applies chat:tool events in seq order, drops repeats, and closes a call left pending when the turn ends', async () => {
    const { chat, emit } = setup();
    chat.draft = 'read it';
    await chat.send();
    emit(EV_DELTA, { requestId: 'r1', conversationId: 'c1', messageId: 'a1', seq: 1, content: 'Reading. ', reasoning: '' });
    emit(EV_TOOL, ev(2, { state: 'requested' }));
    emit(EV_TOOL, ev(3, { state: 'running', arguments: '{"path":"/a"}' }));
    emit(EV_TOOL, ev(4, { state: 'done', outcome: 'ok', result: 'hello', durationMs: 5, arguments: '{"path":"/a"}' }));
    emit(EV_TOOL, ev(3, { state: 'running' })); // a repeat from Wails: dropped
    emit(EV_TOOL, ev(5, { callId: 'call_2', index: 1, state: 'requested' })); // its stream then broke
    const m = chat.messages.find((x) => x.id === 'a1')!;
    expect(m.toolCalls?.map((c) => [c.callId, c.state, c.outcome])).toEqual([
      ['call_1', 'done', 'ok'],
      ['call_2', 'requested', ''],
    ]);
    expect(m.toolCalls?.[0].result).toBe('hello');
    emit(EV_DONE, { requestId: 'r1', conversationId: 'c1', messageId: 'a1', seq: 6, status: 'error', finishReason: '' } as never);
    expect(m.toolCalls?.[1].state).toBe('done');
    expect(m.toolCalls?.[1].outcome).toBe('interrupted');
  });

  it('shows approval cards from tool:approval and answers through the bridge', async () => {
    const { chat, emit, answerToolApproval } = setup();
    emit(EV_TOOL_APPROVAL, approval());
    expect(chat.approvals).toHaveLength(1);
    expect(await chat.answerApproval(chat.approvals[0], 'always_allow')).toBe(true);
    expect(answerToolApproval).toHaveBeenCalledWith('r1', 'call_1', 'always_allow');
    expect(chat.approvals).toHaveLength(0);
    emit(EV_TOOL_APPROVAL, approval({ callId: 'call_2' }));
    emit(EV_TOOL_APPROVAL, approval({ callId: 'call_2', pending: false })); // Stop ended the turn
    expect(chat.approvals).toHaveLength(0);
  });
});

describe('Settings → Tools', () => {
  const ready: ServerStatus = {
    name: 'filesystem',
    transport: 'stdio',
    state: 'ready',
    command: '/usr/bin/npx -y @modelcontextprotocol/server-filesystem /tmp',
    tools: [{ apiName: 'filesystem__read_text_file', name: 'read_text_file', description: 'Read a file', enabled: true, autoApproved: false, readOnly: true }],
  };
  const preview: CommandPreview = {
    name: 'fs',
    path: '/usr/bin/npx',
    args: ['-y', '@modelcontextprotocol/server-filesystem', '/home/me/My Documents'],
    cwd: '',
    line: "/usr/bin/npx -y @modelcontextprotocol/server-filesystem '/home/me/My Documents'",
    envSet: [],
    removed: ['DASHSCOPE_API_KEY'],
  };
  function setup(overview: ToolsOverview = { config: { path: '/data/mcp.json' }, servers: [ready] }) {
    const fb = fakeBackend();
    const api = {
      toolsOverview: vi.fn(async () => structuredClone(overview)),
      previewToolServer: vi.fn(async () => preview),
      previewPastedToolServers: vi.fn(async () => [preview]),
      addToolServer: vi.fn(async () => ({ ...ready, name: 'fs', state: 'starting' as const, tools: [] })),
      addPastedToolServers: vi.fn(async () => [{ ...ready, name: 'fs' }]),
      editToolServer: vi.fn(async () => ready),
      toolServerInput: vi.fn(async () => ({ name: 'filesystem', command: 'npx', args: ['-y', 'x'] })),
      removeToolServer: vi.fn(async () => {}),
      setToolServerEnabled: vi.fn(async () => ({ ...ready, state: 'disabled' as const })),
      setToolEnabled: vi.fn(async () => ready),
      setToolAutoApprove: vi.fn(async () => ready),
      restartToolServer: vi.fn(async () => ready),
      reloadToolsConfig: vi.fn(async () => overview.config),
      replaceBrokenToolsConfig: vi.fn(async () => '/data/mcp.json.broken-1'),
      onEvent: fb.api.onEvent,
    };
    const tools = new ToolsStore(api);
    const onDone = vi.fn();
    render(ToolsSection, { tools, onDone });
    return { api, tools, onDone, emit: fb.emit };
  }

  it('lists servers with their state and tools, and follows tools:status', async () => {
    const { emit } = setup();
    await tick();
    const server = screen.getByTestId('tool-server');
    expect(within(server).getByTestId('tool-server-state').textContent).toBe('Ready');
    await fireEvent.click(within(server).getByRole('button', { name: 'Show its 1 tools' }));
    expect(within(server).getByText('Read a file')).toBeTruthy();
    emit(EV_TOOLS_STATUS, { ...ready, state: 'failed', reason: 'exited with status 1', stderr: 'Error: ENOENT /nope', tools: [] });
    await tick();
    expect(screen.getByTestId('tool-server-state').textContent).toBe('Failed');
    expect(screen.getByTestId('tool-server-stderr').textContent).toContain('ENOENT');
  });

  it('adding by form shows the exact command line before anything is saved', async () => {
    const { api, onDone } = setup();
    await tick();
    await fireEvent.click(screen.getByTestId('tools-add'));
    await fireEvent.input(screen.getByTestId('tools-form-name'), { target: { value: 'fs' } });
    await fireEvent.input(screen.getByTestId('tools-form-command'), { target: { value: 'npx' } });
    await fireEvent.input(screen.getByTestId('tools-form-args'), {
      target: { value: '-y\n@modelcontextprotocol/server-filesystem\n/home/me/My Documents' },
    });
    await fireEvent.click(screen.getByTestId('tools-review'));
    await tick();
    expect(api.previewToolServer).toHaveBeenCalledWith({
      name: 'fs',
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/home/me/My Documents'],
    });
    expect(api.addToolServer).not.toHaveBeenCalled();
    expect(screen.getByTestId('tools-confirm-line').textContent).toBe(preview.line);
    expect(screen.getByTestId('tools-confirm').textContent).toContain('Never passed to it: DASHSCOPE_API_KEY');
    await fireEvent.click(screen.getByTestId('tools-confirm-save'));
    await tick();
    expect(api.addToolServer).toHaveBeenCalledTimes(1);
    expect(onDone).toHaveBeenCalledWith('Saved: fs.');
    expect(screen.getAllByTestId('tool-server').map((el) => el.dataset.name)).toEqual(['filesystem', 'fs']);
  });

  it('pasted JSON is previewed, then saved only on confirm; a refusal is shown', async () => {
    const { api } = setup();
    await tick();
    await fireEvent.click(screen.getByTestId('tools-paste'));
    const text = '{"mcpServers":{"fs":{"command":"npx","args":["-y","@modelcontextprotocol/server-filesystem","/tmp"]}}}';
    await fireEvent.input(screen.getByTestId('tools-paste-text'), { target: { value: text } });
    api.previewPastedToolServers.mockRejectedValueOnce(new Error(JSON.stringify({ kind: 'mcp_invalid', message: 'The pasted text: line 1, column 9: unexpected' })));
    await fireEvent.click(screen.getByTestId('tools-review'));
    await tick();
    expect(screen.getByText(/line 1, column 9/)).toBeTruthy();
    expect(api.addPastedToolServers).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('tools-review'));
    await tick();
    expect(screen.getByTestId('tools-confirm-line').textContent).toBe(preview.line);
    await fireEvent.click(screen.getByTestId('tools-confirm-save'));
    await tick();
    expect(api.addPastedToolServers).toHaveBeenCalledWith(text, '');
  });

  it('a broken mcp.json is reported with its place and adding is off until it is fixed', async () => {
    setup({ config: { path: '/data/mcp.json', problem: { kind: 'mcp_config_broken', message: 'invalid character', line: 3, column: 7 } }, servers: [] });
    await tick();
    const box = screen.getByTestId('tools-config-broken');
    expect(box.textContent).toContain('Line 3, column 7:');
    expect(box.textContent).toContain('will not overwrite');
    expect((screen.getByTestId('tools-add') as HTMLButtonElement).disabled).toBe(true);
  });
});
