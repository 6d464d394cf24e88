from cleaner.records import header_names, parse_records, split_line


def test_split_plain_fields() -> None:
    assert split_line("a,b,,c") == ["a", "b", "", "c"]


def test_split_quoted_delimiter_and_escaped_quote() -> None:
    assert split_line('1,"Smith, Jane","say ""hi"""') == ["1", "Smith, Jane", 'say "hi"']


def test_split_other_delimiter() -> None:
    assert split_line("a;b,c", ";") == ["a", "b,c"]


def test_header_names_are_snake_case_and_unique() -> None:
    assert header_names([" Customer Name", "e-mail", "Amount", "amount", ""]) == [
        "customer_name",
        "e_mail",
        "amount",
        "amount_2",
        "col_5",
    ]


def test_parse_skips_comments_and_blank_lines_and_pads_short_rows() -> None:
    text = "# export of 2024-03-01\nid,name,city\n\n1,Ann,Oslo\n2,Bob\n"
    table = parse_records(text)
    assert table.columns == ["id", "name", "city"]
    assert table.rows == [
        {"id": "1", "name": "Ann", "city": "Oslo"},
        {"id": "2", "name": "Bob", "city": ""},
    ]
    assert table.errors == []


def test_parse_reports_rows_with_too_many_fields() -> None:
    table = parse_records("a,b\n1,2\n3,4,5\r\n6,7\r\n")
    assert [r["a"] for r in table.rows] == ["1", "6"]
    assert table.errors == ["line 3: expected 2 fields, got 3"]


def test_parse_empty_text() -> None:
    table = parse_records("\n  \n# nothing\n")
    assert table.columns == [] and table.rows == []
