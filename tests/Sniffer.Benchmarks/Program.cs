using BenchmarkDotNet.Running;
using Sniffer.Benchmarks.Support;

// dotnet run -c Release --project tests/Sniffer.Benchmarks -- --filter '*' --job short  (README.md says what each measures)
BenchmarkSwitcher.FromAssembly(typeof(ThroughputColumn).Assembly).Run(args, BenchmarkConfig.Create());
