using System.Diagnostics;
using Ifm.Runtime.Data;
using Ifm.Training.Data;
using Ifm.Training.Network;
using Ifm.Training.Optim;

namespace Ifm.Training;

/// <summary>
/// Neuron-output-prediction training: minimises the loss between recorded and predicted output-neuron activity by
/// truncated backpropagation through time with Adam and gradient clipping. The training part of every sequence is cut
/// into contiguous streams; each optimiser step runs the next window of every stream (state carried over from the
/// previous window) and sums their gradients in a fixed order, so a seed fully determines the result.
/// </summary>
public sealed class Trainer
{
    private readonly TrainableNetwork _net;
    private readonly TrainOptions _o;

    public Trainer(TrainableNetwork network, TrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _net = network;
        _o = options;
    }

    /// <summary>
    /// Trains on <paramref name="data"/> and leaves the parameters of the best epoch in the network: the lowest
    /// validation loss (training loss without validation data), or, if <paramref name="selectionScore"/> is given,
    /// the highest score it returns for the network after each epoch (e.g. a closed-loop task score; the objective
    /// trained on stays the loss). Patience counts epochs without a better value of the same measure.
    /// </summary>
    public TrainResult Train(IReadOnlyList<TickSequence> data, Action<TrainProgress>? progress = null, CancellationToken cancel = default,
        Func<TrainableNetwork, double>? selectionScore = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, "no training data");
        var m = _net.Template;
        foreach (var s in data)
        {
            if (s.InputWidth != m.InputCount) throw new DataFormatException($"{s.Source}: {s.InputWidth} input values per tick, the model has {m.InputCount} input channels");
            if (s.TargetWidth != m.OutputCount) throw new DataFormatException($"{s.Source}: {s.TargetWidth} target values per tick, the model has {m.OutputCount} output channels");
        }

        var shifted = data.Select(seq => Align(seq, _o)).ToList();
        var (trainRows, validationRows) = Split(shifted);
        var classWeights = _o.ClassWeights.Resolve(trainRows, m.OutputCount);
        var train = trainRows.Select(seq => seq.RepeatRows(_o.TicksPerRow)).ToList();
        var validation = validationRows.Select(seq => seq.RepeatRows(_o.TicksPerRow)).ToList();
        var streams = MakeStreams(train);
        int w = _o.Window;
        int stepsPerEpoch = streams.Max(s => (s.Sequence.Ticks + w - 1) / w);
        var unroller = new Unroller(_net, w);
        var adam = new Adam(_net.ParameterCount, _o.LearningRate);
        var gradient = new double[_net.ParameterCount];
        var outGrad = new double[w * m.OutputCount];
        var best = (float[])_net.Parameters.Clone();
        double bestLoss = double.PositiveInfinity, bestMonitored = double.PositiveInfinity;
        double? bestScore = null;
        int bestEpoch = 0, epoch = 0;
        double trainLoss = 0;
        double? valLoss = null, valAcc = null, bestAcc = null;
        bool stoppedEarly = false;
        var clock = Stopwatch.StartNew();

        for (epoch = 1; epoch <= _o.Epochs; epoch++)
        {
            foreach (var s in streams) s.State.Reset();
            double epochLoss = 0, epochTerms = 0;
            for (int step = 0; step < stepsPerEpoch; step++)
            {
                cancel.ThrowIfCancellationRequested();
                Array.Clear(gradient);
                double stepLoss = 0, terms = 0;
                foreach (var s in streams)
                {
                    int start = step * w;
                    if (start >= s.Sequence.Ticks) continue;
                    int len = Math.Min(w, s.Sequence.Ticks - start);
                    unroller.Forward(s.State, s.Sequence.InputRows(start, len), len);
                    Array.Clear(outGrad);
                    stepLoss += LossOverWindow(unroller, s, start, len, classWeights, outGrad, ref terms);
                    unroller.Backward(outGrad.AsSpan(0, len * m.OutputCount), gradient);
                }

                if (terms == 0) continue;
                double inv = 1.0 / terms;
                for (int i = 0; i < gradient.Length; i++) gradient[i] *= inv;
                Adam.ClipGlobalNorm(gradient, _net.Trainable, _o.ClipNorm);
                adam.Update(_net.Parameters, gradient, _net.Trainable);
                _net.Project();
                epochLoss += stepLoss;
                epochTerms += terms;
                progress?.Invoke(new TrainProgress(epoch, _o.Epochs, step + 1, stepsPerEpoch, epochLoss / Math.Max(1e-12, epochTerms), null, null, clock.Elapsed, false));
            }

            trainLoss = epochLoss / Math.Max(1e-12, epochTerms);
            if (!double.IsFinite(trainLoss)) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"training diverged in epoch {epoch} (loss {trainLoss}); try a smaller learning rate");
            if (validation.Count > 0)
            {
                (double vl, double va) = EvaluateAligned(_net, validation, _o, w, classWeights);
                valLoss = vl;
                valAcc = va;
            }

            double? score = selectionScore?.Invoke(_net);
            double monitored = score is double sc ? -sc : valLoss ?? trainLoss;
            if (monitored < bestMonitored)
            {
                bestMonitored = monitored;
                bestLoss = valLoss ?? trainLoss;
                bestEpoch = epoch;
                bestAcc = valAcc;
                bestScore = score;
                Array.Copy(_net.Parameters, best, best.Length);
            }

            progress?.Invoke(new TrainProgress(epoch, _o.Epochs, stepsPerEpoch, stepsPerEpoch, trainLoss, valLoss, valAcc, clock.Elapsed, true) { SelectionScore = score });
            if (_o.Patience > 0 && (validation.Count > 0 || selectionScore is not null) && epoch - bestEpoch >= _o.Patience)
            {
                stoppedEarly = true;
                break;
            }
        }

        int epochsRun = Math.Min(epoch, _o.Epochs);
        Array.Copy(best, _net.Parameters, best.Length);
        return new TrainResult(epochsRun, bestEpoch, trainLoss, validation.Count > 0 ? bestLoss : null, bestAcc, stoppedEarly, clock.Elapsed, adam.Step) { SelectionScore = bestScore };
    }

    /// <summary>
    /// Mean loss and action accuracy (argmax of outputs vs argmax of targets) of the network on whole sequences, each
    /// run from a fresh state, with the same loss ticks and target alignment (<see cref="TrainOptions.PredictAhead"/>)
    /// as training; the loss is weighted by <paramref name="classWeights"/> if given (a weighted mean).
    /// </summary>
    public static (double Loss, double Accuracy) Evaluate(TrainableNetwork net, IReadOnlyList<TickSequence> data, TrainOptions o, int window, double[]? classWeights = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(o);
        return EvaluateAligned(net, [.. data.Select(s => Align(s, o).RepeatRows(o.TicksPerRow))], o, window, classWeights);
    }

    /// <summary>Pairs the inputs of every row with the target training asks for (<see cref="TrainOptions.PredictAhead"/>, <see cref="TrainOptions.TargetSpan"/>).</summary>
    private static TickSequence Align(TickSequence s, TrainOptions o) => s.ShiftTargets(o.PredictAhead).AverageTargets(o.TargetSpan);

    private static (double Loss, double Accuracy) EvaluateAligned(TrainableNetwork net, IReadOnlyList<TickSequence> data, TrainOptions o, int window, double[]? classWeights)
    {
        var unroller = new Unroller(net, window);
        var state = new StreamState(net);
        int oc = net.Template.OutputCount;
        var scratch = new double[oc];
        var y = new float[oc];
        var weighted = new float[oc];
        double loss = 0, weights = 0;
        long terms = 0, correct = 0;
        foreach (var seq in data)
        {
            state.Reset();
            for (int start = 0; start < seq.Ticks; start += window)
            {
                int len = Math.Min(window, seq.Ticks - start);
                unroller.Forward(state, seq.InputRows(start, len), len);
                for (int t = 1; t <= len; t++)
                {
                    int tick = start + t - 1;
                    if (!IsLossTick(o, tick, t, len)) continue;
                    ReadOutputs(unroller, t, y);
                    var target = seq.TargetRow(tick);
                    int cls = Losses.ArgMax(target);
                    double weight = ClassWeights.Weigh(o.Loss, classWeights, target, weighted);
                    loss += weight * Losses.Tick(o.Loss, y, weighted, 0, scratch);
                    weights += weight;
                    if (Losses.ArgMax(y) == cls) correct++;
                    terms++;
                }
            }
        }

        return terms == 0 ? (double.NaN, double.NaN) : (weights > 0 ? loss / weights : 0, (double)correct / terms);
    }

    /// <summary>Adds the loss gradient of one window to <paramref name="outGrad"/>; returns the weighted loss and adds the weights to <paramref name="terms"/>.</summary>
    private double LossOverWindow(Unroller u, TrainStream s, int start, int len, double[]? classWeights, double[] outGrad, ref double terms)
    {
        int oc = _net.Template.OutputCount;
        Span<float> y = stackalloc float[oc];
        Span<float> weighted = stackalloc float[oc];
        double loss = 0;
        for (int t = 1; t <= len; t++)
        {
            int tick = start + t - 1;
            if (!IsLossTick(_o, s.Offset + tick, t, len)) continue;
            ReadOutputs(u, t, y);
            var target = s.Sequence.TargetRow(tick);
            double weight = ClassWeights.Weigh(_o.Loss, classWeights, target, weighted);
            if (weight == 0) continue;
            loss += weight * Losses.Tick(_o.Loss, y, weighted, weight, outGrad.AsSpan((t - 1) * oc, oc));
            terms += weight;
        }

        return loss;
    }

    /// <summary>Whether tick t (1-based) of a window of <paramref name="len"/> ticks carries loss; with several ticks per row only a row's last tick does.</summary>
    private static bool IsLossTick(TrainOptions o, int tickInSequence, int t, int len) =>
        tickInSequence >= o.Warmup && (o.LossTicks == LossTicks.Every || t == len) && tickInSequence % o.TicksPerRow == o.TicksPerRow - 1;

    private static void ReadOutputs(Unroller u, int t, Span<float> y)
    {
        var all = u.Outputs(t);
        var outputs = u.Network.Template.OutputNeurons;
        for (int c = 0; c < outputs.Length; c++) y[c] = all[outputs[c]];
    }

    private (List<TickSequence> Train, List<TickSequence> Validation) Split(IReadOnlyList<TickSequence> data)
    {
        var train = new List<TickSequence>();
        var validation = new List<TickSequence>();
        foreach (var s in data)
        {
            int val = (int)Math.Floor(s.Ticks * _o.ValidationFraction);
            if (val * _o.TicksPerRow < _o.Window) val = 0;
            if (s.Ticks - val < 1) throw new DataFormatException($"{s.Source}: too few ticks ({s.Ticks}) to train on");
            train.Add(val == 0 ? s : s.Slice(0, s.Ticks - val));
            if (val > 0) validation.Add(s.Slice(s.Ticks - val, val, s.Source + " (validation)"));
        }

        return (train, validation);
    }

    /// <summary>Cuts the training sequences into about <see cref="TrainOptions.Batch"/> contiguous streams of similar length.</summary>
    private List<TrainStream> MakeStreams(List<TickSequence> train)
    {
        long total = train.Sum(s => (long)s.Ticks);
        int length = (int)Math.Max(_o.Window, total / _o.Batch);
        var streams = new List<TrainStream>();
        foreach (var s in train)
        {
            int pieces = Math.Max(1, s.Ticks / length);
            for (int i = 0; i < pieces; i++)
            {
                int start = i * length;
                int end = i == pieces - 1 ? s.Ticks : start + length;
                streams.Add(new TrainStream(pieces == 1 ? s : s.Slice(start, end - start), start, new StreamState(_net)));
            }
        }

        return streams;
    }

    /// <summary>A contiguous piece of a training sequence and the state it carries between windows.</summary>
    private sealed record TrainStream(TickSequence Sequence, int Offset, StreamState State);
}
