package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"qwendesk/internal/store"
)

// filled is what the benchmark needs to know about the history it wrote.
type filled struct {
	longID, longTitle string
	lastMarker        string // a word only the long conversation's last message holds
	longMessages      int
	conversations     int
	contentMB         float64
}

// fillHistory writes history.db in dataDir through the store's own API: small conversations,
// then one of n messages (user and assistant turns of mixed Chinese and English Markdown),
// then one more small conversation, the newest, which the app opens at launch. The long one
// is second in the sidebar, opened by a click.
func fillHistory(ctx context.Context, dataDir string, n int, seed uint64) (filled, error) {
	st, _, err := store.Open(dataDir, store.Options{})
	if err != nil {
		return filled{}, err
	}
	defer st.Close()
	g := &textGen{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	var f filled
	var bytes int
	base := time.Now().Add(-30 * 24 * time.Hour)
	at := base
	conv := func(title string, msgs int, last string) (string, error) {
		id := store.NewID()
		if err := st.CreateConversation(ctx, store.Conversation{ID: id, Title: title, Model: "qwen-plus", CreatedAt: at}); err != nil {
			return "", err
		}
		parent := ""
		for i := range msgs {
			at = at.Add(time.Second)
			m := store.Message{ID: store.NewID(), ConversationID: id, ParentID: parent, Model: "qwen-plus", CreatedAt: at, Status: store.StatusComplete}
			lang := g.rng.IntN(3)
			if i%2 == 0 {
				m.Role, m.Content = store.RoleUser, g.para(lang, 20+g.rng.IntN(120))
			} else {
				m.Role, m.Content, m.FinishReason = store.RoleAssistant, g.answer(lang, 150+g.rng.IntN(900)), "stop"
				m.Usage = &store.Usage{PromptTokens: 200 + i, CompletionTokens: 300, TotalTokens: 500 + i}
			}
			if i == msgs-1 && last != "" {
				m.Content += "\n\n" + last
			}
			bytes += len(m.Content)
			if err := st.AddMessage(ctx, m); err != nil {
				return "", err
			}
			parent = m.ID
		}
		f.conversations++
		return id, nil
	}
	for i := range 30 {
		at = base.Add(time.Duration(i) * time.Hour)
		if _, err := conv(fmt.Sprintf("Small conversation %d 小对话", i+1), 2+g.rng.IntN(12), ""); err != nil {
			return f, err
		}
	}
	at = base.Add(40 * time.Hour)
	f.lastMarker = "qdlast" + store.NewID()[:10]
	f.longTitle = fmt.Sprintf("Long conversation %d messages 长对话", n)
	f.longMessages = n
	if f.longID, err = conv(f.longTitle, n, "The end of the long conversation: **"+f.lastMarker+"** 结束。"); err != nil {
		return f, err
	}
	at = time.Now().Add(-time.Hour)
	if _, err := conv("Newest short chat 最新", 4, ""); err != nil {
		return f, err
	}
	f.contentMB = float64(bytes) / 1e6
	return f, nil
}

// textGen writes chat text of mixed Chinese and English as Markdown: a compact cousin of
// cmd/benchhistory's generator (same vocabulary idea, plus headings, bold and inline code,
// which a window renders and a store does not care about).
type textGen struct{ rng *rand.Rand }

var zhWords = strings.Fields(`我们 你们 这个 什么 怎么 为什么 可以 需要 问题 方法 系统 数据 文件 用户 服务 程序 代码
函数 变量 接口 配置 环境 版本 更新 安装 部署 运行 测试 性能 优化 内存 网络 请求 响应 错误 日志 分析 结果 模型
参数 时间 今天 项目 计划 目标 团队 产品 质量 安全 设计 开发 文档 步骤 首先 其次 最后 因此 但是 如果 所以 已经
应该 可能 非常 简单 复杂 重要 建议 注意 检查 使用 选择 总结 解释 数据库 索引 查询 事务 并发 线程 缓存 队列`)

var enWords = strings.Fields(`the a of to and in is it that for on with as this by be are from at or you we can will
not have but if when which what how there they more some all each than then so use data model request response
error file function value type server client service cache memory network latency query index database table row
transaction thread process container deploy cluster node config environment version release update build test
performance example first however therefore because simple important check ensure compare summary streaming token
context prompt answer question message search result plan goal project python golang rust typescript docker linux`)

func (g *textGen) zh(n int) string {
	var b strings.Builder
	for r := 0; r < n; {
		w := zhWords[g.rng.IntN(len(zhWords))]
		if g.rng.IntN(10) == 0 {
			w = " " + enWords[g.rng.IntN(len(enWords))] + " "
		}
		b.WriteString(w)
		r += len([]rune(w))
		if g.rng.IntN(8) == 0 {
			b.WriteString([]string{"，", "。", "？"}[g.rng.IntN(3)])
			r++
		}
	}
	b.WriteString("。")
	return b.String()
}

func (g *textGen) en(n int) string {
	var b strings.Builder
	start := true
	for b.Len() < n {
		w := enWords[g.rng.IntN(len(enWords))]
		switch k := g.rng.IntN(30); {
		case k == 0:
			w = "**" + w + "**"
		case k == 1:
			w = "`" + w + "()`"
		case k == 2:
			w = zhWords[g.rng.IntN(len(zhWords))]
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if start {
			w = strings.ToUpper(w[:1]) + w[1:]
			start = false
		}
		b.WriteString(w)
		if g.rng.IntN(12) == 0 {
			b.WriteString(".")
			start = true
		}
	}
	b.WriteString(".")
	return b.String()
}

// para is about n characters in one of three styles: Chinese-led, English, or mixed.
func (g *textGen) para(lang, n int) string {
	switch lang {
	case 0:
		return g.zh(n / 2)
	case 1:
		return g.en(n)
	}
	return g.zh(n/4) + " " + g.en(n/2)
}

// answer is an assistant reply of about n characters: paragraphs with now and then a
// heading, a list, a table or a code block.
func (g *textGen) answer(lang, n int) string {
	var out strings.Builder
	for out.Len() < n {
		if out.Len() > 0 {
			out.WriteString("\n\n")
		}
		switch k := g.rng.IntN(12); {
		case k == 0:
			out.WriteString("## " + g.en(20))
		case k == 1:
			out.WriteString("```go\nfunc " + enWords[g.rng.IntN(len(enWords))] + "(s string) error {\n\treturn fmt.Errorf(\"%s\", s)\n}\n```")
		case k == 2:
			out.WriteString("| Item 项目 | Value |\n|---|---|\n| " + g.en(12) + " | " + fmt.Sprint(g.rng.IntN(1000)) + " |\n| " + g.zh(6) + " | " + fmt.Sprint(g.rng.IntN(1000)) + " |")
		case k < 6:
			for i := range 2 + g.rng.IntN(3) {
				if i > 0 {
					out.WriteByte('\n')
				}
				out.WriteString("- " + g.para(lang, 20+g.rng.IntN(50)))
			}
		default:
			out.WriteString(g.para(lang, 60+g.rng.IntN(250)))
		}
	}
	return out.String()
}
