//! The segmenter: jieba-rs with its embedded dictionary, plus the words of industry–education
//! cooperation in Shaoxing that the general dictionary splits (实训 comes out as 实 / 训,
//! 柯桥 as 柯 / 桥).
//!
//! Every word that appears in the synonym table and every industry-cluster keyword is added too,
//! so that a synonym such as 可编程控制器 is one query word and can be looked up whole.

use std::sync::LazyLock;

use jieba_rs::Jieba;

use crate::synonyms;

/// Words of the field, space-separated, grouped loosely by what they describe.
const DOMAIN_WORDS: &[&str] = &[
    // Forms of cooperation.
    "产教融合 校企合作 现代学徒制 新型学徒制 企业新型学徒制 学徒制 订单班 订单培养 订单式培养 实训",
    "实训基地 实训室 实习实训 实践基地 实习基地 岗位实习 顶岗实习 跟岗实习 教师下企业 教师企业实践",
    "技师进校园 兼职教师 产业导师 双师型 职工培训 员工培训 技能培训 技能大师 大师工作室 职业体验",
    "研学基地 技术研发 技术攻关 科研平台 职业技能等级证书 技能等级认定 产业学院 工匠学院 共享实训基地",
    // Manufacturing and equipment.
    "数控 数控机床 数控加工 数控车床 数控铣床 加工中心 工业机器人 机器人 可编程控制器 可编程逻辑控制器",
    "机电一体化 电气自动化 电气控制 智能制造 智能生产 工业互联网 工业物联网 增材制造 计算机辅助设计",
    "工业设计 模具设计 模具制造 热处理 金属加工 钣金 装配钳工 焊工 电焊 质检 设备运维 新能源汽车 汽修",
    "汽车维修",
    // Emerging clusters.
    "集成电路 芯片 半导体 晶圆 封装测试 微电子 生物医药 医疗器械 医疗设备 新材料 先进材料 高分子材料",
    "复合材料 碳纤维 化纤 化学纤维 精细化工",
    // Traditional clusters.
    "印染 染整 纺织 纺织品 面料 针织 黄酒 绍兴酒 老酒 酿酒 珍珠 淡水珍珠 淡水养殖 珠宝首饰",
    // Services.
    "跨境电商 跨境电子商务 电子商务 电商 直播电商 商贸物流 仓储物流 冷链物流 供应链 文化旅游 文旅",
    "酒店管理 导游 讲解员 文化创意 文创 数字媒体 新媒体 动漫 工艺美术 大数据 人工智能 云计算 软件开发",
    "数据分析 护理 康养",
    // Places of Shaoxing that the dictionary splits.
    "越城 柯桥 上虞 诸暨 嵊州 新昌 滨海新区 袍江 镜湖 越城区 柯桥区 上虞区",
];

/// The shared segmenter. Loading the embedded dictionary takes a moment, once per process.
pub(crate) static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    let cluster_keywords = chanjiao_domain::reference::clusters()
        .iter()
        .flat_map(|c| std::iter::once(c.name_zh.as_str()).chain(c.keywords.iter().map(String::as_str)));
    let domain = DOMAIN_WORDS.iter().flat_map(|line| line.split_whitespace());
    let words = domain.chain(cluster_keywords).chain(synonyms::all_terms());
    for word in words {
        // Only words with Chinese in them: ASCII words and codes never reach jieba (the analyser
        // cuts them itself), and a dictionary entry such as "IC设计" would be split anyway.
        if word.chars().any(super::is_cjk) && !word.chars().any(|c| c.is_ascii()) {
            // No frequency: jieba then picks one just high enough to keep the word whole.
            jieba.add_word(word, None, None);
        }
    }
    jieba
});

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str) -> Vec<&str> {
        JIEBA.cut(text, false).into_iter().map(|t| t.word).collect()
    }

    #[test]
    fn field_terms_segment_as_words() {
        assert_eq!(cut("实训基地"), ["实训基地"]);
        assert_eq!(cut("现代学徒制订单班"), ["现代学徒制", "订单班"]);
        assert_eq!(cut("柯桥印染"), ["柯桥", "印染"]);
        assert_eq!(cut("可编程控制器"), ["可编程控制器"]);
        assert_eq!(cut("跨境电商"), ["跨境电商"]);
    }
}
