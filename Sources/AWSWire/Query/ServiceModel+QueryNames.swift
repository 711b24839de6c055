extension ServiceModel {
  /// The name a structure member has in Query parameters and response XML.
  ///
  /// A flattened list whose element has a `locationName` takes that name instead of the
  /// member's, for the whole repeated element: botocore's serializer and parser both special-case
  /// it (`_member_key_name`), so we do too.
  func queryName(of member: ShapeMember) -> String {
    let target = shape(of: member)
    if target.type == .list, isFlattened(member, target),
      let element = target.listMember?.locationName
    {
      return element
    }
    return member.wireName
  }

  /// Whether a list or map member is written without its wrapper; the trait may sit on the member
  /// or on the shape it refers to.
  func isFlattened(_ member: ShapeMember, _ target: Shape) -> Bool {
    member.isFlattened || target.isFlattened
  }
}
