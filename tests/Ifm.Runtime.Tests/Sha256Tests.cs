using System.Security.Cryptography;
using System.Text;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.Tests;

public class Sha256Tests
{
    // FIPS 180-4 / NIST example vectors.
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Known_vectors(string message, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Sha256.HashData(Encoding.ASCII.GetBytes(message))));

    [Fact]
    public void One_million_a()
    {
        var data = new byte[1_000_000];
        data.AsSpan().Fill((byte)'a');
        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Convert.ToHexStringLower(Sha256.HashData(data)));
    }

    /// <summary>Every length around the one- and two-block padding boundaries, against the platform implementation.</summary>
    [Fact]
    public void Matches_platform_hash_at_every_padding_boundary()
    {
        var rng = new Random(7);
        for (int length = 0; length <= 200; length++)
        {
            var data = new byte[length];
            rng.NextBytes(data);
            Assert.Equal(SHA256.HashData(data), Sha256.HashData(data));
        }
    }
}
