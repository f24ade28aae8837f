"""An independent implementation of the IFM state neuron network with a differentiable Hebbian trace (dense
matrices, a plain loop over ticks): the test oracle of IfmNetwork (python/tests/test_network.py).

The same cell equations as the runtime's CPU engine (runtime/Ifm.Runtime/Engine) and the trainer
(runtime/Ifm.Training/Network/Unroller.cs), written independently with torch tensors so autograd can check them:

  tick t:  w_eff = w + alpha * H(t-1)                       (plastic edges; alpha = 0 elsewhere)
           syn_i = sum_j w_eff[i, j] * y_j(t-1)
           input neuron:  u = x_i(t) + b_i + syn_i
           other neuron:  u = syn_i + b_i + tanh(a_i * s_i(t-1))
           s = leaky_relu(u, 0.01),  y = tanh(u)
           H(t) = clip((1 - eta) * H(t-1) + eta * y_post(t) * y_pre(t-1), -1, 1)

Neurons are ordered inputs, hidden, outputs (as ifm new / RandomNetwork). W[i, j] is the edge j -> i.
"""
import torch


class IfmReference(torch.nn.Module):
    def __init__(self, n_neurons, n_inputs, n_outputs, mask, plastic=True, eta=0.1, clip=True, dtype=torch.float64):
        super().__init__()
        self.n, self.n_inputs, self.n_outputs = n_neurons, n_inputs, n_outputs
        self.register_buffer("mask", mask.to(dtype))
        self.weight = torch.nn.Parameter(torch.zeros(n_neurons, n_neurons, dtype=dtype))
        self.bias = torch.nn.Parameter(torch.zeros(n_neurons, dtype=dtype))
        self.a = torch.nn.Parameter(torch.full((n_neurons,), 0.5, dtype=dtype))
        self.plastic = plastic
        self.clip = clip
        self.alpha = torch.nn.Parameter(torch.zeros(n_neurons, n_neurons, dtype=dtype))
        self.eta = torch.nn.Parameter(torch.tensor(float(eta), dtype=dtype))
        is_input = torch.zeros(n_neurons, dtype=torch.bool)
        is_input[:n_inputs] = True
        self.register_buffer("is_input", is_input)

    @staticmethod
    def reference_mask(n_neurons, n_inputs, n_outputs, p, generator):
        """The paper's wiring: inputs receive nothing; outputs only from hidden; hidden from all but outputs and themselves."""
        hidden = range(n_inputs, n_neurons - n_outputs)
        mask = torch.zeros(n_neurons, n_neurons)
        r = torch.rand(n_neurons, n_neurons, generator=generator)
        for i in range(n_inputs, n_neurons):
            for j in range(n_neurons):
                allowed = (j in hidden) if i >= n_neurons - n_outputs else (j < n_neurons - n_outputs and j != i)
                if allowed and r[i, j] < p:
                    mask[i, j] = 1.0
        return mask

    def forward(self, inputs):
        """inputs: (T, n_inputs). Returns every neuron's output per tick, (T, n)."""
        n = self.n
        y = torch.zeros(n, dtype=self.weight.dtype)
        s = torch.zeros(n, dtype=self.weight.dtype)
        h = torch.zeros(n, n, dtype=self.weight.dtype)
        w = self.weight * self.mask
        alpha = self.alpha * self.mask if self.plastic else torch.zeros_like(w)
        outs = []
        for t in range(inputs.shape[0]):
            x = torch.zeros(n, dtype=self.weight.dtype)
            x[: self.n_inputs] = inputs[t]
            syn = (w + alpha * h) @ y
            u_in = x + self.bias + syn
            u_rec = syn + self.bias + torch.tanh(self.a * s)
            u = torch.where(self.is_input, u_in, u_rec)
            s = torch.nn.functional.leaky_relu(u, 0.01)
            y_new = torch.tanh(u)
            if self.plastic:
                h = (1 - self.eta) * h + self.eta * torch.outer(y_new, y) * self.mask
                if self.clip:
                    h = torch.clamp(h, -1.0, 1.0)
            y = y_new
            outs.append(y)
        return torch.stack(outs)
