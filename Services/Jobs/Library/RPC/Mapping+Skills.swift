import NomadProtos
import SwiftProtobuf

extension SkillRecord {
    var message: Nomad_Jobs_V1_Skill {
        .with {
            $0.code = code
            $0.parentCode = parentCode ?? ""
            $0.name = .with {
                $0.zhCn = nameZh; $0.en = nameEn
            }
            $0.aliases = aliases
            $0.path = SkillTerms.path(of: code)
        }
    }
}
