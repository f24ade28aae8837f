using System.Xml.Linq;
using Ifm.Hil.Reporting;

namespace Ifm.Hil.Tests;

public sealed class JUnitXmlTests
{
    [Fact]
    public void Text_and_attributes_survive_an_xml_parser_and_unencodable_characters_are_replaced()
    {
        const string nasty = "a < b && c > \"d\" 'e'\n\ttab \u0001 bell \uD800 lone, 😀 pair";
        var x = new JUnitXml();
        x.Open("testsuite", ("name", nasty)).Close(newline: true).Open("system-out").Close().Text(nasty).End("system-out").End("testsuite");

        XElement suite = XDocument.Parse(x.ToString()).Root!;
        string expected = "a < b && c > \"d\" 'e'\n\ttab \uFFFD bell \uFFFD lone, 😀 pair";
        Assert.Equal(expected, suite.Attribute("name")!.Value);
        Assert.Equal(expected, suite.Element("system-out")!.Value);
    }
}
