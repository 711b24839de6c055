/// The penalty score that picks the mask (ISO/IEC 18004 §7.8.3): patterns a reader could
/// confuse with function patterns, or that make dark and light hard to tell apart, cost points.
extension QRCode {
  /// N1 to N4 of Table 11.
  static let penaltyRuns = 3
  static let penaltyBlocks = 3
  static let penaltyFinderLike = 40
  static let penaltyBalance = 10

  /// The sum of the four rules over the whole symbol, format information included.
  public var penalty: Int {
    var total = 0
    for line in 0..<size {
      let row = (0..<size).map { self[$0, line] }
      let column = (0..<size).map { self[line, $0] }
      total += Self.runPenalty(row) + Self.runPenalty(column)
      total += Self.finderLikePenalty(row) + Self.finderLikePenalty(column)
    }
    // Rule 2: every 2×2 block of one colour (blocks overlap).
    for y in 0..<(size - 1) {
      for x in 0..<(size - 1) {
        let colour = self[x, y]
        if self[x + 1, y] == colour && self[x, y + 1] == colour && self[x + 1, y + 1] == colour {
          total += Self.penaltyBlocks
        }
      }
    }
    // Rule 4: 10 points for each full 5% step the dark proportion is away from 50%.
    let dark = modules.reduce(0) { $0 + ($1 ? 1 : 0) }
    let all = size * size
    let steps = (abs(dark * 20 - all * 10) + all - 1) / all - 1
    total += steps * Self.penaltyBalance
    return total
  }

  /// Rule 1: a run of five or more modules of one colour costs N1 + (length − 5).
  static func runPenalty(_ line: [Bool]) -> Int {
    var total = 0
    var run = 1
    for i in 1...line.count {
      if i < line.count && line[i] == line[i - 1] {
        run += 1
        continue
      }
      if run >= 5 { total += penaltyRuns + run - 5 }
      run = 1
    }
    return total
  }

  /// Rule 3: dark-light-dark-dark-dark-light-dark (1:1:3:1:1) with four light modules on
  /// either side, inside the symbol: 1011101 0000 or 0000 1011101.
  static func finderLikePenalty(_ line: [Bool]) -> Int {
    let core: [Bool] = [true, false, true, true, true, false, true]
    let light = [Bool](repeating: false, count: 4)
    let before = light + core
    let after = core + light
    guard line.count >= 11 else { return 0 }
    var total = 0
    for start in 0...(line.count - 11) {
      let window = line[start..<(start + 11)]
      if window.elementsEqual(before) { total += penaltyFinderLike }
      if window.elementsEqual(after) { total += penaltyFinderLike }
    }
    return total
  }
}
