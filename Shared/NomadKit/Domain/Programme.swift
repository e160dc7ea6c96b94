/// Figures the city's plan fixes, in one place for every service that states
/// or applies them.
public enum Programme {
    /// A "super individual" (超级个体): revenue in the official statistics of
    /// 20 million yuan or more (“引进纳统营收2000万元以上‘超级个体’不少于10家”).
    /// Analytics counts them against it; identity's catalogue entry states it.
    public static let superIndividualRevenueYuan: Int64 = 20_000_000
}
