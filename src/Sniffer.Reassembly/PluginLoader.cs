using System.Reflection;
using System.Runtime.Loader;
using Sniffer.Core.Dissection;

namespace Sniffer.Reassembly;

/// <summary>What <see cref="PluginLoader.LoadFrom"/> found: the dissectors it registered and the files it could not use.</summary>
public sealed record PluginLoadReport(IReadOnlyList<string> LoadedDissectors, IReadOnlyList<string> Errors);

/// <summary>
/// Loads third-party dissectors: every <c>*.dll</c> of a folder goes into its own <see cref="AssemblyLoadContext"/>
/// (so plug-ins can carry conflicting dependencies) while Sniffer.Core is shared with the host, so their
/// <see cref="IDissectorFactory"/> is the host's. A file that is not a usable plug-in yields an error line, never an exception.
/// </summary>
public sealed class PluginLoader
{
    private static readonly Assembly SharedContract = typeof(IDissectorFactory).Assembly;

    private readonly DissectorRegistry _registry;

    public PluginLoader(DissectorRegistry registry) => _registry = registry;

    /// <summary>
    /// Registers each public, non-abstract <see cref="IDissectorFactory"/> with a public parameterless constructor
    /// found in the folder's assemblies, in file-name order.
    /// </summary>
    public PluginLoadReport LoadFrom(string directory)
    {
        var loaded = new List<string>();
        var errors = new List<string>();
        if (!Directory.Exists(directory))
        {
            errors.Add($"{directory}: plug-in folder not found");
            return new PluginLoadReport(loaded, errors);
        }
        foreach (string path in Directory.GetFiles(directory, "*.dll").Order(StringComparer.Ordinal))
        {
            LoadFile(Path.GetFullPath(path), loaded, errors);
        }
        return new PluginLoadReport(loaded, errors);
    }

    private void LoadFile(string path, List<string> loaded, List<string> errors)
    {
        string file = Path.GetFileName(path);
        Assembly assembly;
        try
        {
            AssemblyName name = AssemblyName.GetAssemblyName(path);
            // A plug-in's build output carries its own copy of the contract; the host's must be the one used.
            if (AssemblyName.ReferenceMatchesDefinition(name, SharedContract.GetName())) return;
            assembly = new PluginLoadContext(path).LoadFromAssemblyPath(path);
        }
        catch (BadImageFormatException)
        {
            errors.Add($"{file}: not a .NET assembly");
            return;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FileLoadException)
        {
            errors.Add($"{file}: cannot be loaded ({exception.Message})");
            return;
        }

        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception exception) when (exception is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException)
        {
            errors.Add($"{file}: its types cannot be loaded, probably a missing dependency or another Sniffer.Core version ({exception.Message})");
            return;
        }

        foreach (Type type in types)
        {
            if (!typeof(IDissectorFactory).IsAssignableFrom(type) || type.IsAbstract || type.IsInterface) continue;
            if (type.GetConstructor(Type.EmptyTypes) is null)
            {
                errors.Add($"{file}: {type.FullName} has no public parameterless constructor");
                continue;
            }
            try
            {
                var factory = (IDissectorFactory)Activator.CreateInstance(type)!;
                _registry.Add(factory);
                loaded.Add(factory.Name);
            }
            catch (Exception exception)
            {
                Exception cause = exception is TargetInvocationException { InnerException: { } inner } ? inner : exception;
                errors.Add($"{file}: {type.FullName} could not be registered ({cause.Message})");
            }
        }
    }

    private sealed class PluginLoadContext : AssemblyLoadContext
    {
        private readonly AssemblyDependencyResolver _resolver;

        public PluginLoadContext(string pluginPath) : base($"plugin:{Path.GetFileName(pluginPath)}")
        {
            _resolver = new AssemblyDependencyResolver(pluginPath);
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // Returning null defers to the host, which is what makes IDissectorFactory the same type on both sides.
            if (AssemblyName.ReferenceMatchesDefinition(assemblyName, SharedContract.GetName())) return null;
            string? path = _resolver.ResolveAssemblyToPath(assemblyName);
            return path is null ? null : LoadFromAssemblyPath(path);
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
            return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
        }
    }
}
