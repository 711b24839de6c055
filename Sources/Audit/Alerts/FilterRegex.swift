/// The regular expressions CloudWatch Logs accepts inside `%…%`: letters, digits, the symbols
/// `_ # = @ / ; , - :` and spaces, and the operators `^ $ ? [ ] { } | \ * + .`. Parentheses
/// (subpatterns) and multi-byte characters are not supported, by AWS's rules, so the matcher is
/// a small backtracking one over bytes with top-level alternation; it finds the expression
/// anywhere in the value unless `^`/`$` anchor it.
///
/// Not the standard library's `Regex`: that type is not `Sendable`, and the rules must be shared
/// by every request thread. Writing the subset also makes "not supported" an error at load time
/// instead of a silent difference.
struct FilterRegex: Sendable {
  let source: String
  let branches: [Branch]

  struct Branch: Sendable {
    var anchoredStart = false
    var anchoredEnd = false
    var items: [Item] = []
  }

  struct Item: Sendable {
    var atom: Atom
    var min = 1
    var max = 1
  }

  enum Atom: Sendable {
    case byte(UInt8)
    case set(ByteSet)
  }

  struct ByteSet: Sendable {
    var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    var negated = false

    mutating func insert(_ b: UInt8) {
      let bit = UInt64(1) << UInt64(b & 63)
      switch b >> 6 {
      case 0: bits.0 |= bit
      case 1: bits.1 |= bit
      case 2: bits.2 |= bit
      default: bits.3 |= bit
      }
    }

    mutating func insert(_ range: ClosedRange<UInt8>) {
      for b in range { insert(b) }
    }

    func contains(_ b: UInt8) -> Bool {
      let bit = UInt64(1) << UInt64(b & 63)
      let word: UInt64
      switch b >> 6 {
      case 0: word = bits.0
      case 1: word = bits.1
      case 2: word = bits.2
      default: word = bits.3
      }
      return (word & bit != 0) != negated
    }

    static let any: ByteSet = {
      var s = ByteSet()
      s.negated = true
      s.insert(UInt8(ascii: "\n"))
      return s
    }()

    /// `\d`, `\w`, `\s` and their negations.
    static func shorthand(_ c: UInt8) -> ByteSet? {
      var s = ByteSet()
      switch c | 0x20 {
      case UInt8(ascii: "d"): s.insert(UInt8(ascii: "0")...UInt8(ascii: "9"))
      case UInt8(ascii: "w"):
        s.insert(UInt8(ascii: "0")...UInt8(ascii: "9"))
        s.insert(UInt8(ascii: "a")...UInt8(ascii: "z"))
        s.insert(UInt8(ascii: "A")...UInt8(ascii: "Z"))
        s.insert(UInt8(ascii: "_"))
      case UInt8(ascii: "s"):
        for b in [9, 10, 11, 12, 13, 32] as [UInt8] { s.insert(b) }
      default: return nil
      }
      s.negated = c < UInt8(ascii: "a")  // upper case: the complement
      return s
    }
  }

  private static let allowedSymbols = Set("_#=@/;,-: ^$?[]{}|\\*+.".utf8)

  /// Compiles `source` (the text between the `%` signs); errors carry the offset in it.
  init(_ source: String) throws(FilterPatternError) {
    self.source = source
    let u = Array(source.utf8)
    for (i, b) in u.enumerated() {
      if b >= 0x80 { throw FilterPatternError(offset: i, reason: "regular expressions do not support multi-byte characters") }
      let isAlnum = (b >= 48 && b <= 57) || (b | 0x20 >= 97 && b | 0x20 <= 122)
      if !isAlnum && !Self.allowedSymbols.contains(b) {
        let reason =
          b == UInt8(ascii: "(") || b == UInt8(ascii: ")")
          ? "regular expressions do not support `(` and `)` (subpatterns)"
          : "regular expressions do not support `\(Character(Unicode.Scalar(b)))`"
        throw FilterPatternError(offset: i, reason: reason)
      }
    }
    var branches: [Branch] = []
    var branch = Branch()
    var i = 0
    func fail(_ reason: String) -> FilterPatternError { FilterPatternError(offset: i, reason: reason) }
    while i < u.count {
      let b = u[i]
      switch b {
      case UInt8(ascii: "|"):
        branches.append(branch)
        branch = Branch()
        i += 1
      case UInt8(ascii: "^"):
        guard branch.items.isEmpty, !branch.anchoredStart else { throw fail("`^` anchors only at the start of an alternative") }
        branch.anchoredStart = true
        i += 1
      case UInt8(ascii: "$"):
        guard i + 1 == u.count || u[i + 1] == UInt8(ascii: "|") else { throw fail("`$` anchors only at the end of an alternative") }
        branch.anchoredEnd = true
        i += 1
      case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
        guard !branch.items.isEmpty, branch.items[branch.items.count - 1].min == 1, branch.items[branch.items.count - 1].max == 1
        else { throw fail("`\(Character(Unicode.Scalar(b)))` has nothing to repeat") }
        var (low, high) = (0, Int.max)
        if b == UInt8(ascii: "+") { low = 1 }
        if b == UInt8(ascii: "?") { high = 1 }
        i += 1
        if b == UInt8(ascii: "{") {
          func number() -> Int? {
            var n: Int?
            while i < u.count, u[i] >= 48, u[i] <= 57, (n ?? 0) < 10_000 {
              n = (n ?? 0) * 10 + Int(u[i] - 48)
              i += 1
            }
            return n
          }
          guard let first = number() else { throw fail("expected a count inside `{}`") }
          low = first
          high = first
          if i < u.count, u[i] == UInt8(ascii: ",") {
            i += 1
            high = number() ?? Int.max
          }
          guard i < u.count, u[i] == UInt8(ascii: "}") else { throw fail("expected `}` to close the count") }
          guard low <= high else { throw fail("the count's minimum is larger than its maximum") }
          i += 1
        }
        branch.items[branch.items.count - 1].min = low
        branch.items[branch.items.count - 1].max = high
      case UInt8(ascii: "["):
        i += 1
        var set = ByteSet()
        if i < u.count, u[i] == UInt8(ascii: "^") {
          set.negated = true
          i += 1
        }
        var first = true
        while true {
          guard i < u.count else { throw fail("expected `]` to close the character class") }
          var c = u[i]
          if c == UInt8(ascii: "]") && !first { break }
          first = false
          i += 1
          if c == UInt8(ascii: "\\"), i < u.count {
            if let short = ByteSet.shorthand(u[i]), !short.negated {
              for x in 0...255 where short.contains(UInt8(x)) { set.insert(UInt8(x)) }
              i += 1
              continue
            }
            c = u[i]
            i += 1
          }
          if i + 1 < u.count, u[i] == UInt8(ascii: "-"), u[i + 1] != UInt8(ascii: "]") {
            let upper = u[i + 1]
            guard c <= upper else { throw fail("the range in the character class is backwards") }
            set.insert(c...upper)
            i += 2
          } else {
            set.insert(c)
          }
        }
        i += 1
        branch.items.append(Item(atom: .set(set)))
      case UInt8(ascii: "]"), UInt8(ascii: "}"):
        throw fail("unbalanced `\(Character(Unicode.Scalar(b)))`")
      case UInt8(ascii: "."):
        branch.items.append(Item(atom: .set(.any)))
        i += 1
      case UInt8(ascii: "\\"):
        guard i + 1 < u.count else { throw fail("`\\` at the end escapes nothing") }
        if let short = ByteSet.shorthand(u[i + 1]) {
          branch.items.append(Item(atom: .set(short)))
        } else {
          branch.items.append(Item(atom: .byte(u[i + 1])))
        }
        i += 2
      default:
        branch.items.append(Item(atom: .byte(b)))
        i += 1
      }
    }
    branches.append(branch)
    self.branches = branches
  }

  /// Whether the expression matches somewhere in `text`.
  func matches(_ text: String) -> Bool {
    let u = Array(text.utf8)
    for branch in branches {
      let starts = branch.anchoredStart ? 0...0 : 0...u.count
      for start in starts where Self.match(branch, 0, start, u) { return true }
    }
    return false
  }

  private static func match(_ branch: Branch, _ item: Int, _ pos: Int, _ u: [UInt8]) -> Bool {
    guard item < branch.items.count else { return !branch.anchoredEnd || pos == u.count }
    let it = branch.items[item]
    // Greedy: take as many as allowed, then give back one at a time.
    var count = 0
    var p = pos
    while count < it.max, p < u.count, accepts(it.atom, u[p]) {
      count += 1
      p += 1
    }
    while count >= it.min {
      if match(branch, item + 1, pos + count, u) { return true }
      count -= 1
    }
    return false
  }

  private static func accepts(_ atom: Atom, _ b: UInt8) -> Bool {
    switch atom {
    case .byte(let x): return x == b
    case .set(let s): return s.contains(b)
    }
  }
}
