"""Texts a hostile or careless unit may type, shared by the injection tests."""

FORMULAS = (
    '=HYPERLINK("http://evil.example","bấm vào")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # full-width equals sign
    "  =1+1",
)
"""Texts that a spreadsheet takes for a formula."""

MARKUP = (
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[bấm vào](javascript:alert(1))",
    "![ảnh](http://evil.example/x.png)",
    "a | b | c",
    "# tiêu đề giả",
    "**đậm** _nghiêng_ `mã`",
    "<http://evil.example>",
    "&lt;script&gt;",
)
"""Texts that Markdown or HTML would render as markup."""
