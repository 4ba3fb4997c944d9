//! Sentence banks of the kinds schools post. Slots: `{school}` full name, `{short}` short name,
//! `{place}`, `{cluster}` industry, `{program}` program name, `{role}` a role it trains for,
//! `{n}` quantity, `{enrol}` yearly intake, `{level}`, `{year}` graduating class, `{pay}` amount
//! in yuan, `{topic}`, `{skills}` a few skills, `{cert}` a certificate, `{base}` a training
//! centre, `{platform}` a research platform, `{course}`, `{k}` a session number, `{start}` and
//! `{end}` as 2027年3月, `{months}`.

use super::texts::KindText;

pub static PROGRAM_OFFERING: KindText = KindText {
    titles: &[
        "{program}专业 {year}届毕业生{n}人",
        "{program}（{level}）人才供给",
        "{program}专业毕业生推介（{year}届）",
        "{year}届{program}专业{n}名毕业生可供选聘",
    ],
    openings: &[
        "{school}{program}专业{year}届共有毕业生{n}人，现面向企业推介。",
        "{school}{program}专业每年招生约{enrol}人，{year}届预计毕业{n}人。",
        "{school}的{program}专业对接{cluster}产业，{year}届{n}名毕业生可供企业选聘。",
        "{program}专业是{school}的骨干专业，本届毕业生{n}名，主要面向{role}等岗位。",
    ],
    asks: &[
        "欢迎企业来校举办专场招聘会，也可提前参与毕业设计选题。",
        "希望与企业开展订单培养或现代学徒制合作。",
        "可根据企业需求组织学生参加岗位实习，实习合格后择优录用。",
        "欢迎企业派人参与专业建设委员会，共同修订人才培养方案。",
    ],
    offers: &[
        "核心课程包括{skills}等，实训课时占总课时一半以上。",
        "学生在校期间完成了{skills}等项目化训练。",
        "近三年专业对口就业率保持在九成以上。",
        "多数学生已取得{cert}。",
        "专业师生在省级以上职业技能大赛中多次获奖。",
    ],
    schedules: &["毕业生可于{end}前后到岗。", "学校就业指导中心全年受理企业招聘需求，一周内安排对接。"],
};

pub static PRACTICE_PLACE_NEED: KindText = KindText {
    titles: &[
        "{program}专业岗位实习单位需求（{n}人）",
        "{year}届{program}学生寻实习岗位",
        "跟岗实习需求：{program}（{n}人）",
    ],
    openings: &[
        "{school}{program}专业有{n}名学生将进入岗位实习阶段，现寻求对口实习单位。",
        "{school}需为{year}届{program}专业{n}名学生落实实习岗位。",
        "{school}计划组织{program}专业{n}名学生开展跟岗实习，希望对接{cluster}企业。",
    ],
    asks: &[
        "希望实习岗位与专业对口，企业能安排师傅带教。",
        "实习单位需签订三方协议，为学生购买实习责任保险。",
        "学生可集中或分批入企，学校派带队教师全程跟踪。",
        "优先考虑{place}及周边企业，便于学生住宿和交通。",
    ],
    offers: &[
        "学生已完成专业核心课程学习，具备{skills}等基础技能。",
        "学校可配合企业开展岗前培训和安全教育。",
        "对表现好的实习生，学校支持企业择优留用。",
    ],
    schedules: &["实习期为{months}个月，计划于{start}入企。", "实习时间为{start}至{end}，可根据企业安排微调。"],
};

pub static TEACHER_PRACTICE_NEED: KindText = KindText {
    titles: &[
        "{program}专业教师企业实践需求（{n}人）",
        "专业教师下企业：{program}方向",
        "{n}名{cluster}专业教师寻企业实践岗位",
    ],
    openings: &[
        "{school}{program}专业有{n}名教师需要到企业开展实践锻炼。",
        "按照专业教师每五年累计不少于六个月企业实践的要求，{school}为{program}专业{n}名教师寻找实践岗位。",
        "{school}新入职的{n}名{program}专业教师需要到企业集中实践。",
    ],
    asks: &[
        "希望实践岗位涉及{role}等一线技术工作。",
        "教师希望参与企业的技术改进或新产品开发。",
        "实践期间教师服从企业管理，遵守安全和保密规定。",
    ],
    offers: &[
        "教师可为企业员工开展理论培训或协助整理技术资料。",
        "学校承担教师实践期间的差旅和保险费用。",
        "实践成果将转化为教学案例，并可与企业联合申报教改项目。",
    ],
    schedules: &["实践时间为{start}至{end}，约四至六周。", "实践可分两段进行，每段一个月左右。"],
};

pub static TEACHING_NEED: KindText = KindText {
    titles: &["兼职教师需求：《{course}》", "{program}专业聘请企业兼职教师（{n}人）", "产业导师招聘｜{course}课程"],
    openings: &[
        "{school}{program}专业拟聘请{n}名企业技术人员担任《{course}》课程兼职教师。",
        "为提高实践教学质量，{school}面向企业招聘{n}名{role}方向的产业导师。",
        "{school}需要{n}名熟悉{cluster}行业一线的兼职教师，承担《{course}》等实训教学。",
    ],
    asks: &[
        "要求有五年以上企业一线工作经验，中级职称或高级工以上技能等级。",
        "能承担每周四到八课时的实训教学，并指导学生参加技能竞赛。",
        "善于表达，能把一线案例转化为教学内容。",
    ],
    offers: &[
        "课时费{pay}元/课时，另提供交通补贴。",
        "学校为兼职教师颁发聘书，可参与专业建设委员会工作。",
        "聘期一学年，考核合格可续聘。",
    ],
    schedules: &["授课时间为{start}至{end}，可根据企业工作安排灵活调整。", "请于开学前完成聘任手续。"],
};

pub static TRAINING_COURSE: KindText = KindText {
    titles: &["{topic}培训班（第{k}期）", "面向企业开放：{topic}", "{topic}技能提升培训"],
    openings: &[
        "{school}面向企业在岗员工开设{topic}培训班，每期{n}人。",
        "{school}依托{base}开展{topic}培训，本期招收学员{n}名。",
        "{topic}培训班由{school}承办，面向{cluster}企业员工，每期限{n}人。",
    ],
    asks: &[
        "学员需具备一定的岗位基础，初中及以上文化程度。",
        "适合一线技术工人、班组长和新入职技术员参加。",
        "企业可组团报名，二十人以上可送教入企。",
    ],
    offers: &[
        "每人收费{pay}元，可申请职业技能提升补贴。",
        "结业考核合格颁发培训证书，可参加相应职业技能等级认定。",
        "授课教师由学校“双师型”教师和企业技师共同组成。",
    ],
    schedules: &["本期于{start}开班，周末和晚上授课。", "全年滚动开班，报满即开。"],
};

pub static RESEARCH_CAPABILITY: KindText = KindText {
    titles: &["{platform}：{topic}", "科研平台开放合作｜{topic}", "{short}{cluster}研究团队技术服务"],
    openings: &[
        "{school}{platform}长期从事{topic}方面的研究，现面向企业开放合作。",
        "{school}的{platform}有科研人员{n}名，可在{topic}等方向为企业提供技术服务。",
        "依托{platform}，{school}可承接{topic}相关的横向课题。",
    ],
    asks: &[
        "欢迎企业提出具体技术问题，团队可派人到企业现场调研。",
        "合作形式包括技术开发、技术咨询、联合申报项目和共建实验室。",
    ],
    offers: &[
        "团队近五年承担省部级以上项目十余项，授权发明专利二十余件。",
        "平台拥有价值千万元的分析测试设备，可对外提供检测服务。",
        "可联合培养研究生和企业工程师。",
    ],
    schedules: &["项目对接全年开放，两周内给出初步方案。", "本年度合作意向请在{end}前提交。"],
};

pub static SHARED_TRAINING_BASE: KindText = KindText {
    titles: &["共享实训基地：{base}开放预约", "{base}对外开放（{n}个工位）", "区域共享实训平台｜{base}"],
    openings: &[
        "{school}{base}面向企业和兄弟院校开放，共有工位{n}个。",
        "{school}的{base}是区域共享型实训基地，可同时容纳{n}人实训。",
        "{school}{base}建成后已服务数十家企业，现开放预约，工位{n}个。",
    ],
    asks: &[
        "预约单位需提前两周提交实训计划，可自带或委托学校安排指导教师。",
        "使用方须遵守实训室安全管理规定，参训人员需完成安全培训。",
    ],
    offers: &[
        "基地可承接企业员工培训、技能等级认定和兄弟院校实训。",
        "企业员工培训每人每天收费{pay}元，院校学生实训按成本收费。",
        "基地配有专职实训管理员和设备维护人员。",
    ],
    schedules: &["开放时段见下表，节假日另行安排。", "本学年开放至{end}，下学年计划另行发布。"],
};

pub static K12_CAREER_BASE: KindText = KindText {
    titles: &["中小学生职业体验：{topic}", "职业体验基地｜{topic}（每批{n}人）", "{short}{cluster}职业体验日"],
    openings: &[
        "{school}是绍兴市中小学生职业体验基地，推出“{topic}”体验课程。",
        "{school}面向中小学校开放“{topic}”职业体验活动，每批可接待{n}名学生。",
        "走进{school}的实训室，体验“{topic}”。",
    ],
    asks: &["适合小学高年级和初中学生，以班级为单位预约。", "请学校安排带队老师，活动全程有安全员陪同。"],
    offers: &[
        "活动免费，学生可带走自己的作品。",
        "每人收取材料费{pay}元。",
        "课程由学校专业教师和学生志愿者共同带教。",
    ],
    schedules: &["活动时长约半天，周三下午和周末开放预约。", "开放预约至{end}。"],
};
