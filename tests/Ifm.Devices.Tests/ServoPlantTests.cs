using Ifm.Devices.Simulation;

namespace Ifm.Devices.Tests;

/// <summary>The servo plant: its physics, a controller that tracks it, and each perturbation changing it as specified.</summary>
public class ServoPlantTests
{
    /// <summary>A proportional-derivative controller on the sensed error; returns the RMS error over steps [from, to).</summary>
    private static double Track(ServoPlant plant, long from, long to, float kp = 4f, float kd = 0.3f)
    {
        var sensor = new ServoSensor("servo", plant);
        var motor = new ServoMotor("motor", plant);
        var v = new float[4];
        double sum = 0;
        for (long s = 0; s < to; s++)
        {
            sensor.Read(v);
            if (s >= from) sum += (double)v[3] * v[3];
            motor.Write([kp * v[3] - kd * v[2]]);
            plant.Step();
        }

        return Math.Sqrt(sum / (to - from));
    }

    [Fact]
    public void One_step_integrates_torque_over_the_inertia()
    {
        var p = new ServoPlant();
        p.SetCommand(0.5f);
        p.Step();
        Assert.Equal(0.01f * 0.5f / 0.02f, p.Velocity, 6);                 // ω = dt·gain·u / J
        Assert.Equal(0.01f * p.Velocity, p.Position, 6);                     // semi-implicit: θ uses the new ω
        Assert.Equal(ServoPlant.TargetAt(1) - p.Position, p.Error, 6);
        p.SetCommand(float.NaN);
        Assert.Equal(0f, p.Command);
        p.SetCommand(7f);
        Assert.Equal(1f, p.Command);
    }

    [Fact]
    public void A_pd_controller_tracks_the_nominal_plant_and_a_load_adds_a_steady_error_that_a_controller_must_cancel()
    {
        double nominal = Track(new ServoPlant(), 500, 3000);
        var loaded = new ServoPlant();
        loaded.Perturb(new ServoPerturbation(AtStep: 1000, Load: 0.4f));
        double before = Track(loaded, 500, 1000);
        var again = new ServoPlant();
        again.Perturb(new ServoPerturbation(AtStep: 1000, Load: 0.4f));
        double after = Track(again, 1500, 3000);
        Assert.Equal(nominal, Track(new ServoPlant(), 500, 3000)); // deterministic
        // The PD controller lags the moving target by about 0.09 rad RMS; the load adds a steady error of about
        // load / Kp = 0.1 rad on top of it.
        Assert.True(nominal < 0.12, $"nominal RMS error {nominal}");
        Assert.True(before < 0.12, $"RMS error before the load {before}");
        Assert.True(after > 1.3 * before && after < 0.25, $"RMS error {after} after the load, {before} before");
    }

    [Fact]
    public void Gain_and_friction_switch_at_their_step_and_a_later_perturbation_restores_the_plant()
    {
        var p = new ServoPlant();
        p.Perturb(new ServoPerturbation(2, Gain: 0.5f, Friction: 1f), new ServoPerturbation(3));
        p.SetCommand(1f);
        p.Step();
        p.Step();
        Assert.Equal((0.5f, 1f), (p.Gain, p.Friction));
        float w = p.Velocity;
        p.Step();
        Assert.Equal(w + 0.01f * (0.5f * 1f - 1f * w) / 0.02f, p.Velocity, 5);
        Assert.Equal((ServoPlant.NominalGain, ServoPlant.NominalFriction, 0f), (p.Gain, p.Friction, p.Load));
        Assert.Contains("gain must be in (0, 10]", Assert.Throws<ArgumentException>(() => p.Perturb(new ServoPerturbation(0, Gain: 0))).Message);
        Assert.Contains("load must be", Assert.Throws<ArgumentException>(() => p.Perturb(new ServoPerturbation(0, Load: 2))).Message);
    }

    [Fact]
    public void The_motor_safe_state_is_no_torque()
    {
        var p = new ServoPlant();
        var m = new ServoMotor("m", p);
        m.Write([0.8f]);
        Assert.Equal(0.8f, p.Command);
        m.EnterSafeState();
        Assert.Equal(0f, p.Command);
    }
}
