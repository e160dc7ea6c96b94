/// The super-individual entry states the programme's figure
/// (`Programme.superIndividualRevenueYuan`, 20 million yuan of revenue in the
/// official statistics), the one analytics counts against; the seed said
/// CNY 240,000 of remote income.
let migration0006SuperIndividualThreshold = """
    UPDATE catalogue_entries SET
      description_zh = '对独立为多家境内外客户提供数字服务、纳统营收达到2000万元以上的数字游民认定为超级个体，享受相应扶持政策。',
      description_en = 'Recognises nomads who independently serve several clients at home or abroad and whose revenue in the official statistics reaches CNY 20,000,000 as super individuals, eligible for dedicated support.',
      eligibility = '[{"zh": "经认定的数字游民", "en": "Certified digital nomad"}, {"zh": "同时服务3家以上客户", "en": "Serves at least 3 clients at the same time"}, {"zh": "上一年度纳统营收不低于2000万元人民币", "en": "Revenue in the official statistics of at least CNY 20,000,000 in the previous year"}]'
    WHERE code = 'super-individual-recognition'
    """
