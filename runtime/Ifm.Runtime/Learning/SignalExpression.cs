using System.Globalization;

namespace Ifm.Runtime.Learning;

/// <summary>
/// A learning-signal expression compiled once and evaluated every period without allocating: numbers, references
/// (<c>servo.error</c>: a sensor channel; <c>input.in0</c>, <c>output.out0</c>: the model's channels), <c>+ − × /</c>,
/// unary minus, parentheses and <c>abs(x)</c>, <c>min(a, b)</c>, <c>max(a, b)</c>, <c>clamp(x, lo, hi)</c>.
/// Example: <c>servo.target - servo.position</c>, <c>-abs(servo.error)</c>.
/// </summary>
public sealed class SignalExpression
{
    /// <summary>Longest expression accepted (characters).</summary>
    public const int MaxLength = 1024;

    private const int MaxDepth = 32;

    private enum Op : byte
    {
        Const, Load, Neg, Add, Sub, Mul, Div, Abs, Min, Max, Clamp,
    }

    private readonly Op[] _ops;
    private readonly float[] _args;   // constant value, or the slot as float bits
    private readonly int[] _slots;
    private readonly int _depth;

    private SignalExpression(string text, Op[] ops, float[] args, int[] slots, int depth, string[] references)
    {
        Text = text;
        _ops = ops;
        _args = args;
        _slots = slots;
        _depth = depth;
        References = references;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>The references it reads, in order of first use.</summary>
    public IReadOnlyList<string> References { get; }

    /// <summary>
    /// Parses <paramref name="text"/>; <paramref name="resolve"/> maps each reference to a slot of the value frame
    /// <see cref="Evaluate"/> reads, or returns null with the reason it is unknown. Throws <see cref="FormatException"/>
    /// with a one-line message naming the problem and the column.
    /// </summary>
    public static SignalExpression Parse(string text, Func<string, (int Slot, string? Error)> resolve)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(resolve);
        if (text.Length > MaxLength) throw new FormatException($"the expression is {text.Length} characters long; at most {MaxLength}");
        if (string.IsNullOrWhiteSpace(text)) throw new FormatException("the expression is empty");
        var p = new Parser(text, resolve);
        p.Expr(0);
        p.SkipSpace();
        if (p.At < text.Length) throw p.Error($"unexpected '{text[p.At]}'");
        return new SignalExpression(text, [.. p.Ops], [.. p.Args], [.. p.Slots], p.MaxStack, [.. p.Refs]);
    }

    /// <summary>The value over <paramref name="frame"/> (indexed by the slots the resolver gave). Allocates nothing.</summary>
    public float Evaluate(ReadOnlySpan<float> frame)
    {
        Span<float> stack = stackalloc float[MaxDepth];
        int sp = 0;
        var ops = _ops;
        for (int i = 0; i < ops.Length; i++)
        {
            switch (ops[i])
            {
                case Op.Const: stack[sp++] = _args[i]; break;
                case Op.Load: stack[sp++] = frame[_slots[i]]; break;
                case Op.Neg: stack[sp - 1] = -stack[sp - 1]; break;
                case Op.Abs: stack[sp - 1] = MathF.Abs(stack[sp - 1]); break;
                case Op.Add: sp--; stack[sp - 1] += stack[sp]; break;
                case Op.Sub: sp--; stack[sp - 1] -= stack[sp]; break;
                case Op.Mul: sp--; stack[sp - 1] *= stack[sp]; break;
                case Op.Div: sp--; stack[sp - 1] /= stack[sp]; break;
                case Op.Min: sp--; stack[sp - 1] = MathF.Min(stack[sp - 1], stack[sp]); break;
                case Op.Max: sp--; stack[sp - 1] = MathF.Max(stack[sp - 1], stack[sp]); break;
                case Op.Clamp: sp -= 2; stack[sp - 1] = MathF.Min(MathF.Max(stack[sp - 1], stack[sp]), stack[sp + 1]); break;
            }
        }

        return stack[0];
    }

    public override string ToString() => Text;

    private sealed class Parser(string text, Func<string, (int Slot, string? Error)> resolve)
    {
        public readonly List<Op> Ops = [];
        public readonly List<float> Args = [];
        public readonly List<int> Slots = [];
        public readonly List<string> Refs = [];
        public int At;
        public int MaxStack;
        private int _stack;

        public FormatException Error(string what) => new($"{what} at column {At + 1} of \"{text}\"");

        public void SkipSpace()
        {
            while (At < text.Length && char.IsWhiteSpace(text[At])) At++;
        }

        private void Emit(Op op, float arg = 0, int slot = -1)
        {
            Ops.Add(op);
            Args.Add(arg);
            Slots.Add(slot);
            _stack += op switch
            {
                Op.Const or Op.Load => 1,
                Op.Neg or Op.Abs => 0,
                Op.Clamp => -2,
                _ => -1,
            };
            MaxStack = Math.Max(MaxStack, _stack);
            if (_stack > MaxDepth) throw Error($"the expression nests deeper than {MaxDepth}");
        }

        public void Expr(int depth)
        {
            if (depth > MaxDepth) throw Error($"the expression nests deeper than {MaxDepth}");
            Level(depth, additive: true);
        }

        /// <summary>One precedence level of left-associative operators: + and − over products, * and / over unary operands.</summary>
        private void Level(int depth, bool additive)
        {
            Operand(depth, additive);
            while (true)
            {
                SkipSpace();
                Op? op = (additive, At < text.Length ? text[At] : '\0') switch
                {
                    (true, '+') => Op.Add,
                    (true, '-') => Op.Sub,
                    (false, '*') => Op.Mul,
                    (false, '/') => Op.Div,
                    _ => null,
                };
                if (op is not { } o) return;
                At++;
                Operand(depth, additive);
                Emit(o);
            }
        }

        private void Operand(int depth, bool additive)
        {
            if (additive) Level(depth, additive: false);
            else Unary(depth);
        }

        private void Unary(int depth)
        {
            if (depth > MaxDepth) throw Error($"the expression nests deeper than {MaxDepth}");
            SkipSpace();
            if (At < text.Length && text[At] == '-')
            {
                At++;
                Unary(depth + 1);
                Emit(Op.Neg);
                return;
            }

            if (At < text.Length && text[At] == '+')
            {
                At++;
                Unary(depth + 1);
                return;
            }

            Primary(depth);
        }

        private void Primary(int depth)
        {
            SkipSpace();
            if (At >= text.Length) throw Error("a value is missing");
            char c = text[At];
            if (c == '(')
            {
                At++;
                Expr(depth + 1);
                Expect(')');
                return;
            }

            if (char.IsAsciiDigit(c) || c == '.')
            {
                int start = At;
                while (At < text.Length && (char.IsAsciiDigit(text[At]) || text[At] == '.' ||
                    (text[At] is 'e' or 'E') || (text[At] is '+' or '-' && At > start && text[At - 1] is 'e' or 'E')))
                {
                    At++;
                }

                string number = text[start..At];
                if (!float.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v))
                {
                    At = start;
                    throw Error($"'{number}' is not a finite number");
                }

                Emit(Op.Const, v);
                return;
            }

            if (!IsNameStart(c)) throw Error($"unexpected '{c}'");
            int nameStart = At;
            string first = Name();
            SkipSpace();
            if (At < text.Length && text[At] == '(')
            {
                At++;
                int arity = first switch
                {
                    "abs" => 1,
                    "min" or "max" => 2,
                    "clamp" => 3,
                    _ => throw AtName(nameStart, $"unknown function '{first}' (functions: abs, min, max, clamp)"),
                };
                for (int a = 0; a < arity; a++)
                {
                    if (a > 0) Expect(',');
                    Expr(depth + 1);
                }

                Expect(')');
                Emit(first switch { "abs" => Op.Abs, "min" => Op.Min, "max" => Op.Max, _ => Op.Clamp });
                return;
            }

            if (At >= text.Length || text[At] != '.')
            {
                throw AtName(nameStart, $"'{first}' is neither a number, a function nor a reference (write device.channel, input.NAME or output.NAME)");
            }

            At++;
            SkipSpace();
            if (At >= text.Length || !IsNameStart(text[At]) && !char.IsAsciiDigit(text[At])) throw Error($"a channel name must follow '{first}.'");
            string second = Name();
            string reference = $"{first}.{second}";
            var (slot, error) = resolve(reference);
            if (error is not null) throw AtName(nameStart, $"'{reference}': {error}");
            if (!Refs.Contains(reference)) Refs.Add(reference);
            Emit(Op.Load, 0, slot);
        }

        private FormatException AtName(int at, string what)
        {
            At = at;
            return Error(what);
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (At >= text.Length) throw Error($"'{c}' is missing");
            if (text[At] != c) throw Error($"expected '{c}', found '{text[At]}'");
            At++;
        }

        private string Name()
        {
            int start = At;
            while (At < text.Length && (char.IsAsciiLetterOrDigit(text[At]) || text[At] == '_')) At++;
            return text[start..At];
        }

        private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';
    }
}
