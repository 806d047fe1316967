package main

import (
	"math/rand/v2"
	"strings"
)

// Vocabulary for generated chat text. Chinese comes from common words plus random
// combinations of frequent characters, so the trigram index sees a realistic variety of
// trigrams rather than a handful repeated. 量 is left out of the characters so 量子纠缠实验
// only appears where planted.
var zhWords = strings.Fields(`我们 你们 他们 这个 那个 什么 怎么 为什么 可以 需要 问题 方法 系统 数据 文件 用户 服务
程序 代码 函数 变量 接口 配置 环境 版本 更新 安装 部署 运行 测试 性能 优化 内存 网络 请求 响应 错误 异常
日志 分析 结果 模型 训练 参数 学习 工作 时间 今天 明天 昨天 上午 下午 晚上 周末 会议 项目 计划 目标 团队
公司 客户 产品 市场 价格 成本 效率 质量 安全 隐私 设计 开发 维护 文档 说明 步骤 例如 首先 其次 最后 因此
但是 如果 虽然 所以 而且 或者 还是 已经 正在 应该 可能 一定 非常 比较 特别 简单 复杂 重要 主要 基本 具体
建议 推荐 注意 确保 检查 使用 选择 比较 总结 解释 翻译 写作 文章 报告 邮件 表格 图片 视频 音乐 电影 旅行
北京 上海 杭州 深圳 城市 天空 下雨 温度 出门 衣服 健康 运动 跑步 饮食 睡眠 医生 学校 老师 学生 考试 历史
文化 经济 社会 科学 技术 物理 化学 生物 数学 算法 结构 数据库 索引 查询 事务 并发 线程 缓存 队列 容器
集群 节点 负载 均衡 证书 加密 密码 账号 登录 权限 角色 消息 对话 回答 思考 推理 上下文 提示词 令牌 流式`)

const zhChars = `的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切拉查纪级注`

var zhRunes = []rune(zhChars)

var enWords = strings.Fields(`the a an of to and in is it that for on with as this by be are from at or was you your we
can will not have has but if when which what how why there their they more most some any all each other than then
so use using used data model models request response error errors file files function functions value values type
types server client service services cache memory network latency throughput query queries index database table
tables column row rows transaction lock thread threads process container deploy deployment cluster node nodes pod
config configuration environment variable variables version release update install build test tests benchmark
performance optimize example examples first second finally however therefore because although simple complex
important main basic specific recommend check ensure choose compare summary explain translate write article report
email image video music movie travel weather city rain temperature health running sleep doctor school teacher
student exam history culture economy society science technology physics chemistry biology math algorithm structure
streaming token tokens context prompt reasoning answer question user assistant system message messages search
result results plan goal team project meeting customer product market price cost quality security privacy design
develop maintain document steps python golang rust javascript typescript docker linux windows macos browser api
json yaml sql http https latency retry timeout backoff queue worker scheduler parser compiler runtime garbage
collector pointer slice map channel goroutine interface struct method package module import export`)

type textGen struct {
	rng *rand.Rand
	b   strings.Builder
}

// zhWord returns a common word or a random 1–3 character combination.
func (g *textGen) zhWord() string {
	if g.rng.IntN(10) < 6 {
		return zhWords[g.rng.IntN(len(zhWords))]
	}
	n := 1 + g.rng.IntN(3)
	var w [3]rune
	for i := range n {
		w[i] = zhRunes[g.rng.IntN(len(zhRunes))]
	}
	return string(w[:n])
}

func (g *textGen) enWord() string { return enWords[g.rng.IntN(len(enWords))] }

// chinese writes about n characters of Chinese sentences; mixed sprinkles English terms,
// as technical Chinese chat does.
func (g *textGen) chinese(n int, mixed bool) string {
	g.b.Reset()
	runes := 0
	for runes < n {
		words := 4 + g.rng.IntN(10)
		for i := 0; i < words && runes < n; i++ {
			var w string
			if mixed && g.rng.IntN(12) == 0 {
				w = " " + g.enWord() + " "
			} else {
				w = g.zhWord()
			}
			g.b.WriteString(w)
			runes += len([]rune(w))
		}
		switch g.rng.IntN(5) {
		case 0:
			g.b.WriteString("，")
		case 1:
			g.b.WriteString("？")
		default:
			g.b.WriteString("。")
		}
		runes++
	}
	return g.b.String()
}

// english writes about n characters of English sentences.
func (g *textGen) english(n int) string {
	g.b.Reset()
	runes := 0
	for runes < n {
		words := 5 + g.rng.IntN(12)
		for i := 0; i < words && runes < n; i++ {
			w := g.enWord()
			if i == 0 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			if g.rng.IntN(25) == 0 {
				w = g.zhWord() // the odd Chinese term in English text
			}
			if i > 0 {
				g.b.WriteByte(' ')
				runes++
			}
			g.b.WriteString(w)
			runes += len([]rune(w))
		}
		g.b.WriteString(". ")
		runes += 2
	}
	return strings.TrimSpace(g.b.String())
}

func (g *textGen) para(lang, n int) string {
	if lang == 0 {
		return g.chinese(n, true)
	}
	return g.english(n)
}

// question is one user turn of about n characters.
func (g *textGen) question(lang, n int) string { return g.para(lang, n) }

// answer is one assistant turn of about n characters, laid out as markdown: paragraphs,
// sometimes a list or a code block.
func (g *textGen) answer(lang, n int) string {
	var out strings.Builder
	left := n
	for left > 0 {
		switch k := g.rng.IntN(10); {
		case k == 0 && left > 120:
			code := "```go\nfunc " + g.enWord() + "(" + g.enWord() + " string) error {\n\treturn " + g.enWord() + "." +
				g.enWord() + "(" + g.enWord() + ")\n}\n```"
			out.WriteString(code)
			left -= len(code)
		case k < 3 && left > 60:
			items := 2 + g.rng.IntN(4)
			for i := range items {
				s := g.para(lang, 15+g.rng.IntN(40))
				if i > 0 {
					out.WriteByte('\n')
				}
				out.WriteString("- " + s)
				left -= len([]rune(s)) + 3
			}
		default:
			size := min(left, 60+g.rng.IntN(300))
			out.WriteString(g.para(lang, size))
			left -= size
		}
		if left > 0 {
			out.WriteString("\n\n")
			left -= 2
		}
	}
	return out.String()
}
