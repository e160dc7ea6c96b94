import Foundation
/// The starting skills library (数字游民技能库): the work the zone's nomads
/// do, as dotted codes with names and aliases in both languages. Every name is
/// an alias too, so a term resolves through one lookup. Alias keys are made by
/// `SkillTerms.key`, the same function that reads callers' terms, and a key
/// used by two skills fails the migration rather than resolving by chance.
/// Officers extend the library at run time with CreateSkill.
let migration0002SkillSeed: String = SkillSeed.sql

enum SkillSeed {
    struct Entry {
        let code: String
        let zh: String
        let en: String
        let aliases: [String]
    }

    static func e(_ code: String, _ zh: String, _ en: String, _ aliases: [String] = []) -> Entry {
        Entry(code: code, zh: zh, en: en, aliases: aliases)
    }

    /// Parents come before their children.
    static let entries: [Entry] = [
        e("software", "软件开发", "Software development", ["软件", "software engineering", "编程", "programming"]),
        e("software.mobile", "移动开发", "Mobile development", ["mobile", "移动应用开发", "app development", "app 开发"]),
        e("software.mobile.ios", "iOS 开发", "iOS development", ["ios", "iphone development", "ios dev", "苹果开发"]),
        e("software.mobile.android", "Android 开发", "Android development", ["android", "安卓开发", "安卓"]),
        e("software.mobile.cross-platform", "跨平台移动开发", "Cross-platform mobile development", ["flutter", "react native", "uni-app"]),
        e("software.mobile.miniprogram", "小程序开发", "Mini-program development", ["微信小程序", "wechat mini program", "mini program"]),
        e("software.web", "Web 开发", "Web development", ["web", "网站开发", "网页开发", "web dev"]),
        e("software.web.frontend", "前端开发", "Frontend development", ["frontend", "前端", "react", "vue"]),
        e("software.web.fullstack", "全栈开发", "Full-stack development", ["full stack", "全栈"]),
        e("software.backend", "后端开发", "Backend development", ["backend", "后端", "server-side", "服务端开发"]),
        e("software.backend.api", "API 开发", "API development", ["rest api", "grpc", "接口开发"]),
        e("software.backend.database", "数据库开发", "Database development", ["database", "sql", "postgresql", "mysql", "数据库"]),
        e("software.devops", "运维与 DevOps", "DevOps and operations", ["devops", "运维", "sre", "kubernetes", "docker"]),
        e("software.cloud", "云计算", "Cloud computing", ["cloud", "aws", "阿里云", "aliyun"]),
        e("software.testing", "软件测试", "Software testing", ["qa", "testing", "测试", "质量保证"]),
        e("software.security", "网络安全", "Cybersecurity", ["security", "信息安全", "渗透测试", "pentest"]),
        e("software.blockchain", "区块链开发", "Blockchain development", ["blockchain", "区块链", "smart contracts", "智能合约", "web3"]),
        e("software.embedded", "嵌入式开发", "Embedded development", ["embedded", "嵌入式", "iot", "物联网"]),
        e("software.languages", "编程语言", "Programming languages"),
        e("software.languages.swift", "Swift", "Swift", ["swift-lang", "swift 语言", "swift programming"]),
        e("software.languages.kotlin", "Kotlin", "Kotlin", ["kotlin 语言"]),
        e("software.languages.java", "Java", "Java", ["java 语言", "jvm"]),
        e("software.languages.python", "Python", "Python", ["python3", "py", "python 语言"]),
        e("software.languages.go", "Go", "Go", ["golang", "go 语言"]),
        e("software.languages.javascript", "JavaScript", "JavaScript", ["js", "node.js", "nodejs", "ecmascript"]),
        e("software.languages.typescript", "TypeScript", "TypeScript", ["ts"]),
        e("software.languages.rust", "Rust", "Rust", ["rust-lang"]),
        e("software.languages.cpp", "C++", "C++", ["cpp", "c plus plus"]),
        e("software.languages.csharp", "C#", "C#", ["csharp", ".net", "dotnet"]),
        e("software.languages.php", "PHP", "PHP"),

        e("data", "数据处理", "Data processing", ["data", "数据", "数据服务"]),
        e("data.labelling", "数据标注", "Data labelling", ["data labeling", "data annotation", "标注", "数据标记", "annotation"]),
        e("data.labelling.image", "图像标注", "Image annotation", ["image labelling", "图片标注", "bounding box"]),
        e("data.labelling.text", "文本标注", "Text annotation", ["text labelling", "nlp annotation"]),
        e("data.labelling.audio", "语音标注", "Audio annotation", ["speech annotation", "音频标注", "语音转写", "transcription"]),
        e("data.labelling.video", "视频标注", "Video annotation", ["video labelling"]),
        e("data.cleaning", "数据清洗", "Data cleaning", ["data cleansing", "清洗", "数据整理", "data wrangling"]),
        e("data.analysis", "数据分析", "Data analysis", ["data analytics", "数据分析师", "excel", "统计分析", "statistics"]),
        e("data.engineering", "数据工程", "Data engineering", ["etl", "data pipeline", "数据仓库", "data warehouse", "spark"]),
        e("data.visualisation", "数据可视化", "Data visualisation", ["data visualization", "dataviz", "tableau", "power bi", "bi 报表"]),
        e("data.collection", "数据采集", "Data collection", ["web scraping", "爬虫", "数据爬取", "crawler"]),

        e("ai", "人工智能", "Artificial intelligence", ["ai", "智能"]),
        e("ai.training", "AI 模型训练", "AI model training", ["model training", "模型训练", "fine-tuning", "微调", "大模型训练", "llm training"]),
        e("ai.prompt", "提示词工程", "Prompt engineering", ["prompt", "prompt engineer", "提示工程", "prompt 设计"]),
        e("ai.ml", "机器学习", "Machine learning", ["ml", "deep learning", "深度学习"]),
        e("ai.nlp", "自然语言处理", "Natural language processing", ["nlp", "文本挖掘"]),
        e("ai.cv", "计算机视觉", "Computer vision", ["cv", "图像识别", "image recognition", "opencv"]),
        e("ai.evaluation", "模型评测", "Model evaluation", ["rlhf", "ai 评测", "model eval", "大模型评测"]),
        e("ai.agents", "AI 应用开发", "AI application development", ["llm apps", "ai agent", "agent 开发", "rag", "智能体开发"]),

        e("games", "游戏开发", "Game development", ["gamedev", "游戏", "游戏制作"]),
        e("games.unity", "Unity 开发", "Unity development", ["unity", "unity3d"]),
        e("games.unreal", "虚幻引擎开发", "Unreal Engine development", ["unreal", "ue4", "ue5", "虚幻"]),
        e("games.design", "游戏策划", "Game design", ["游戏设计", "level design", "关卡设计"]),
        e("games.art", "游戏美术", "Game art", ["game artist", "原画"]),
        e("games.testing", "游戏测试", "Game testing", ["game qa"]),

        e("media", "直播与新媒体", "Live streaming and new media", ["new media", "新媒体", "自媒体"]),
        e(
            "media.livestream", "直播带货", "Live-stream selling",
            ["live streaming", "直播", "livestream", "主播", "streamer", "live commerce", "直播电商"]),
        e("media.shortvideo", "短视频运营", "Short-video operations", ["短视频", "douyin", "抖音", "tiktok"]),
        e("media.video-editing", "视频剪辑", "Video editing", ["剪辑", "premiere", "final cut", "剪映"]),
        e("media.content", "内容创作", "Content creation", ["copywriting", "文案", "内容运营", "content writing"]),
        e("media.social", "社交媒体运营", "Social media marketing", ["social media", "小红书运营", "xiaohongshu", "新媒体运营"]),
        e("media.podcast", "播客制作", "Podcast production", ["podcast", "播客", "audio production"]),

        e("commerce", "电子商务", "E-commerce", ["电商", "online retail", "网店运营"]),
        e("commerce.cross-border", "跨境电商", "Cross-border e-commerce", ["跨境", "跨境电子商务", "amazon seller", "亚马逊运营", "shopify", "外贸电商"]),
        e("commerce.operations", "电商运营", "E-commerce operations", ["店铺运营", "taobao", "淘宝运营", "tmall"]),
        e("commerce.customer-service", "客户服务", "Customer service", ["客服", "customer support", "在线客服"]),
        e("commerce.marketing", "数字营销", "Digital marketing", ["网络营销", "seo", "sem", "growth marketing", "营销"]),

        e("photography", "数字摄影", "Digital photography", ["photography", "摄影", "photographer", "摄影师"]),
        e("photography.product", "产品摄影", "Product photography", ["电商摄影", "商品拍摄"]),
        e("photography.retouching", "图片后期", "Photo retouching", ["修图", "photoshop", "ps 修图", "lightroom", "photo editing"]),
        e("photography.drone", "航拍", "Drone photography", ["drone", "无人机航拍", "aerial photography"]),
        e("photography.video", "视频拍摄", "Videography", ["摄像", "video shooting", "videographer"]),

        e("design", "设计", "Design", ["设计师", "designer"]),
        e("design.ui", "UI 设计", "UI design", ["ui", "界面设计", "ui/ux", "figma", "user interface design"]),
        e("design.ux", "UX 设计", "UX design", ["ux", "用户体验设计", "user experience", "交互设计"]),
        e("design.graphic", "平面设计", "Graphic design", ["graphic", "平面", "海报设计", "illustrator", "视觉设计"]),
        e("design.3d", "三维设计", "3D design", ["3d modelling", "3d modeling", "blender", "建模", "c4d", "3d 建模", "maya"]),
        e("design.illustration", "插画", "Illustration", ["插画师", "手绘", "digital painting", "绘画"]),
        e("design.brand", "品牌设计", "Brand design", ["logo design", "vi 设计", "brand identity"]),
        e("design.motion", "动效设计", "Motion design", ["motion graphics", "after effects", "ae", "动画设计", "mg 动画"]),
        e("design.interior", "室内设计", "Interior design", ["室内", "家装设计"]),

        e("translation", "翻译与本地化", "Translation and localisation", ["translation", "翻译", "本地化", "localization", "l10n"]),
        e("translation.zh-en", "中英翻译", "Chinese-English translation", ["英汉翻译", "english translation", "英文翻译"]),
        e("translation.interpreting", "口译", "Interpreting", ["interpretation", "同声传译", "simultaneous interpretation", "同传"]),
        e("translation.localisation", "软件本地化", "Software localisation", ["game localisation", "游戏本地化", "i18n"]),

        e("writing", "写作与编辑", "Writing and editing", ["写作", "editing", "编辑", "proofreading", "校对"]),
        e("writing.technical", "技术写作", "Technical writing", ["技术文档", "documentation", "tech writing"]),

        e("education", "在线教育", "Online education", ["tutoring", "在线辅导", "网课", "teaching", "培训"]),
        e("education.language", "语言教学", "Language teaching", ["英语教学", "esl", "tefl", "对外汉语", "chinese teaching"]),

        e("business", "商务与咨询", "Business and consulting", ["consulting", "咨询", "商务"]),
        e("business.finance", "财务与会计", "Finance and accounting", ["accounting", "会计", "财务", "bookkeeping", "记账"]),
        e("business.legal", "法律服务", "Legal services", ["legal", "法务", "合同审核", "contract review"]),
        e("business.project", "项目管理", "Project management", ["pm", "项目经理", "scrum", "agile"]),
        e("business.product", "产品管理", "Product management", ["product manager", "产品经理", "产品设计"]),
        e("business.hr", "人力资源", "Human resources", ["hr", "招聘", "recruiting"]),
    ]

    static var sql: String {
        func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        let skills = entries.map { entry in
            let parent = SkillTerms.parent(of: entry.code).map(literal) ?? "NULL"
            return "(\(literal(entry.code)), \(parent), \(literal(entry.zh)), \(literal(entry.en)))"
        }
        var aliases: [String] = []
        for entry in entries {
            var keys = Set<String>()
            for alias in [entry.zh, entry.en] + entry.aliases where keys.insert(SkillTerms.key(alias)).inserted {
                aliases.append("(\(literal(SkillTerms.key(alias))), \(literal(alias)), \(literal(entry.code)))")
            }
        }
        return """
            INSERT INTO skills (code, parent_code, name_zh, name_en) VALUES
            \(skills.joined(separator: ",\n"));
            INSERT INTO skill_aliases (alias_key, alias, skill_code) VALUES
            \(aliases.joined(separator: ",\n"));
            """
    }
}
