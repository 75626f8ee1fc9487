/// The rates the embedded default starts with when the catalog has none: a snapshot in the publishers' own
/// formats (ECB euro rates, CBR rouble rates), imported through the same parsers as a downloaded file.
/// Production imports the day's files instead; every price records the rate it was converted with.
enum RateSnapshot {
    static let ecb = """
        <?xml version="1.0" encoding="UTF-8"?>
        <gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
          <gesmes:subject>Reference rates</gesmes:subject>
          <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
          <Cube>
            <Cube time='2024-06-28'>
              <Cube currency='USD' rate='1.0705'/><Cube currency='JPY' rate='171.94'/><Cube currency='GBP' rate='0.84638'/>
              <Cube currency='CHF' rate='0.9627'/><Cube currency='CNY' rate='7.7748'/><Cube currency='INR' rate='89.2495'/>
              <Cube currency='KRW' rate='1476.48'/><Cube currency='TRY' rate='35.1284'/>
            </Cube>
          </Cube>
        </gesmes:Envelope>
        """

    static let cbr = """
        <?xml version="1.0" encoding="windows-1251"?>
        <ValCurs Date="28.06.2024" name="Foreign Currency Market">
        <Valute ID="R01235"><NumCode>840</NumCode><CharCode>USD</CharCode><Nominal>1</Nominal><Name>US Dollar</Name><Value>85,7480</Value></Valute>
        <Valute ID="R01239"><NumCode>978</NumCode><CharCode>EUR</CharCode><Nominal>1</Nominal><Name>Euro</Name><Value>91,7919</Value></Valute>
        <Valute ID="R01375"><NumCode>156</NumCode><CharCode>CNY</CharCode><Nominal>1</Nominal><Name>Yuan</Name><Value>11,7387</Value></Valute>
        <Valute ID="R01335"><NumCode>398</NumCode><CharCode>KZT</CharCode><Nominal>100</Nominal><Name>Tenge</Name><Value>18,2312</Value></Valute>
        <Valute ID="R01090B"><NumCode>933</NumCode><CharCode>BYN</CharCode><Nominal>1</Nominal><Name>Belarusian Ruble</Name><Value>26,4702</Value></Valute>
        </ValCurs>
        """
}
