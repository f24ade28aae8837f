using Ifm.Hil.Assertions;
using Ifm.Hil.Scenarios;
using Ifm.Hil.Steps;

namespace Ifm.Hil.Tests;

public sealed class ValidationTests
{
    [Fact]
    public void Every_problem_is_reported_at_once_with_its_json_path()
    {
        string path = Repo.Scenario("""
            {
              "version": 1,
              "model": "MODELS/pong.ifm",
              "plant": "pong",
              "loop": { "rateHz": 60, "durationSeconds": 2, "overrunPolicy": "later", "colour": 1 },
              "steps": [
                { "kind": "teleport", "at": 1 },
                { "kind": "stuck_at", "at": 5, "channel": "pong.ball_x" },
                { "kind": "ramp", "at": 1, "channel": "pong.ball_x", "from": 0, "to": 1 }
              ],
              "assertions": [
                { "kind": "vibes" },
                { "kind": "metric", "metric": "hit_rate" },
                { "kind": "safe_state", "after": "nothing", "within": 3 }
              ]
            }
            """);
        var e = Assert.Throws<ScenarioException>(() => Scenario.Load(path));
        string all = string.Join("\n", e.Errors);
        Assert.Contains("$.loop.overrunPolicy: 'later' is not one of count, skip, safe-stop", all, StringComparison.Ordinal);
        Assert.Contains("$.loop.colour: unknown field", all, StringComparison.Ordinal);
        Assert.Contains($"$.steps[0].kind: unknown step kind 'teleport'; known kinds: {string.Join(", ", StepKinds.All)}", all, StringComparison.Ordinal);
        Assert.Contains("$.steps[1].at: 5 s (period 300) is after the end of the run", all, StringComparison.Ordinal);
        Assert.Contains("$.steps[1].value: required", all, StringComparison.Ordinal);
        Assert.Contains("$.steps[2]: a ramp needs \"until\" or \"for\"", all, StringComparison.Ordinal);
        Assert.Contains($"$.assertions[0].kind: unknown assertion kind 'vibes'; known kinds: {string.Join(", ", AssertionKinds.All)}", all, StringComparison.Ordinal);
        Assert.Contains("$.assertions[1]: give \"min\" and/or \"max\"", all, StringComparison.Ordinal);
        Assert.Contains("$.assertions[2].after: no step has id 'nothing'", all, StringComparison.Ordinal);
        Assert.Equal(9, e.Errors.Count);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Registries_hold_every_kind()
    {
        Assert.Equal(["checkpoint", "device_fail", "dropout", "link_pull", "link_restore", "mcu_reset", "noise", "perturb", "ramp", "restart", "set", "sigterm", "stall", "stuck_at"], StepKinds.All);
        Assert.Equal(["channel", "learning_guard", "metric", "no_nan", "outcome", "restored_state", "safe_state"], AssertionKinds.All);
    }

    [Fact]
    public void Malformed_files_are_refused_with_a_line()
    {
        Assert.Contains("not valid JSON", Assert.Throws<ScenarioException>(() => Scenario.Parse("{ \"version\": 1, ", "x.json")).Message, StringComparison.Ordinal);
        Assert.Contains("expected a JSON object", Assert.Throws<ScenarioException>(() => Scenario.Parse("[1]", "x.json")).Message, StringComparison.Ordinal);
        var e = Assert.Throws<ScenarioException>(() => Scenario.Parse("{}", "x.json"));
        Assert.Contains("$.version: required", e.Message, StringComparison.Ordinal);
        Assert.Contains("$.model: required", e.Message, StringComparison.Ordinal);
        Assert.Contains("$.loop: required", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shipped_suite_validates()
    {
        foreach (string f in Directory.GetFiles(Repo.Hil, "*.json"))
        {
            Scenario s = Scenario.Load(f);
            Assert.True(s.Assertions.Count > 0, f);
        }
    }

    [Fact]
    public void Mcu_only_steps_are_refused_on_the_sim_target()
    {
        var e = Assert.Throws<ScenarioException>(() => Repo.Run(Path.Combine(Repo.Hil, "link-loss.json")));
        Assert.Contains("$.steps[0]: step kind 'link_pull' cannot act on the sim target (it needs virtual-mcu)", e.Message, StringComparison.Ordinal);
    }
}
