"""Sample batch files, valid against the 6.27 upload schema: for tests, the benchmark and
trying the door. Each record spans several lines, as a batch client writes them.

    sample_batch("----kynEn47azQ", "P-1-00001", "jsmith6544", records=250)
    batch_file(batch_id, org_id, user_id, [create(...), ...], [amend(...), ...])
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr


def create(
    request_id: str,
    user_id: str,
    *,
    last_name: str = "Garcia",
    first_name: str = "Ana",
    birth_date: str = "1990-05-01",
    start: str = "2027-01-10",
    end: str = "2027-06-30",
) -> str:
    """One CreateEV/ExchangeVisitor (a professor, category 1A, TIPP exempt)."""
    return f"""    <ExchangeVisitor requestID={quoteattr(request_id)} userID={quoteattr(user_id)} \
printForm="false">
      <Biographical>
        <FullName><LastName>{escape(last_name)}</LastName>\
<FirstName>{escape(first_name)}</FirstName></FullName>
        <BirthDate>{escape(birth_date)}</BirthDate>
        <Gender>F</Gender>
        <BirthCity>Madrid</BirthCity>
        <BirthCountryCode>SP</BirthCountryCode>
        <CitizenshipCountryCode>SP</CitizenshipCountryCode>
        <PermanentResidenceCountryCode>SP</PermanentResidenceCountryCode>
      </Biographical>
      <PositionCode>100</PositionCode>
      <PrgStartDate>{escape(start)}</PrgStartDate>
      <PrgEndDate>{escape(end)}</PrgEndDate>
      <CategoryCode>1A</CategoryCode>
      <SubjectField>
        <SubjectFieldCode>01.0000</SubjectFieldCode>
        <Remarks>Agriculture research</Remarks>
      </SubjectField>
      <FinancialInfo><ReceivedUSGovtFunds>false</ReceivedUSGovtFunds></FinancialInfo>
      <AddTIPP print7002="false"><TippExemptProgram>KW</TippExemptProgram></AddTIPP>
    </ExchangeVisitor>
"""


def amend(request_id: str, user_id: str, sevis_id: str, start: str, end: str) -> str:
    """One UpdateEV/ExchangeVisitor amending the program dates."""
    return f"""    <ExchangeVisitor requestID={quoteattr(request_id)} userID={quoteattr(user_id)} \
sevisID={quoteattr(sevis_id)}>
      <Program>
        <Amend printForm="false">
          <PrgStartDate>{escape(start)}</PrgStartDate>
          <PrgEndDate>{escape(end)}</PrgEndDate>
        </Amend>
      </Program>
    </ExchangeVisitor>
"""


def batch_file(
    batch_id: str,
    org_id: str,
    user_id: str,
    creates: list[str],
    updates: tuple[str, ...] | list[str] = (),
) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f"<SEVISBatchCreateUpdateEV userID={quoteattr(user_id)}>\n",
        f"  <BatchHeader>\n    <BatchID>{escape(batch_id)}</BatchID>\n"
        f"    <OrgID>{escape(org_id)}</OrgID>\n  </BatchHeader>\n",
    ]
    if creates:
        parts += ["  <CreateEV>\n", *creates, "  </CreateEV>\n"]
    if updates:
        parts += ["  <UpdateEV>\n", *updates, "  </UpdateEV>\n"]
    parts.append("</SEVISBatchCreateUpdateEV>\n")
    return "".join(parts).encode("utf-8")


def sample_batch(batch_id: str, org_id: str, user_id: str, records: int = 2) -> bytes:
    """`records` creates, request IDs 1, 2, ..."""
    creates = [
        create(str(n), user_id, last_name=f"Visitor{'ABCDEFGHIJ'[n % 10]}")
        for n in range(1, records + 1)
    ]
    return batch_file(batch_id, org_id, user_id, creates)
